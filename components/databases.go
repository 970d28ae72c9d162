package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// newRoles creates the base roles, the users and the databases through one member.
func newRoles(ctx *pulumi.Context, name string, c *stacks.Cluster, node *Node, pw Passwords, parent pulumi.Resource, after []pulumi.Resource) error {
	conn := node.Conn
	base, err := run(ctx, name+"-base-roles", conn, step{
		Create: render.OnPrimary(c, render.PsqlStdin), Stdin: pulumi.String(string(render.BaseRolesSQL())),
	}, parent, after)
	if err != nil {
		return err
	}
	system := pw.Pick(render.SecretSuperuser, render.SecretReplication).ApplyT(func(sec map[string]string) string {
		return string(render.SystemRolesSQL(c, sec))
	}).(pulumi.StringOutput)
	if _, err := run(ctx, name+"-system-roles", conn, step{
		Create: render.OnPrimary(c, render.PsqlStdin), Stdin: pulumi.ToSecret(system).(pulumi.StringOutput),
	}, parent, after); err != nil {
		return err
	}
	users := []pulumi.Resource{base}
	for _, u := range c.Users {
		u := u
		sql := pw[u.Name].ApplyT(func(p string) string { return string(render.UserSQL(c, u, p)) }).(pulumi.StringOutput)
		cmd, err := run(ctx, name+"-user-"+u.Name, conn, step{
			Create: render.OnPrimary(c, render.PsqlStdin),
			Stdin:  pulumi.ToSecret(sql).(pulumi.StringOutput),
		}, parent, []pulumi.Resource{base})
		if err != nil {
			return err
		}
		users = append(users, cmd)
	}
	for _, d := range c.Databases {
		if _, err := run(ctx, name+"-database-"+d.Name, conn, step{
			Create: render.OnPrimary(c, render.PsqlStdin), Stdin: pulumi.String(string(render.DatabaseSQL(d))),
		}, parent, users); err != nil {
			return err
		}
	}
	return nil
}
