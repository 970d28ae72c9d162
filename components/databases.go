package components

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// onPrimary runs command as postgres, but only on the member that is primary now: every member
// carries the command, and whichever leads when it runs applies it.
func onPrimary(c *stacks.Cluster, command string) string {
	return fmt.Sprintf(`if %s; then
  cd / && runuser -u postgres -- %s
fi`, httpStatusIs(c.PatroniURL("127.0.0.1", "/primary"), 200), command)
}

// psql runs SQL from stdin, or the given arguments, stopping at the first error.
func psql(args string) string {
	return "psql -X -q -v ON_ERROR_STOP=1 -d postgres " + args
}

// newRoles creates the base roles, the users and the databases through one member.
func newRoles(ctx *pulumi.Context, name string, c *stacks.Cluster, node *Node, pw Passwords, parent pulumi.Resource, after []pulumi.Resource) error {
	conn := node.Conn
	base, err := run(ctx, name+"-base-roles", conn, step{
		Create: onPrimary(c, psql("")), Stdin: pulumi.String(string(render.BaseRolesSQL())),
	}, parent, after)
	if err != nil {
		return err
	}
	system := pw.Pick(render.SecretSuperuser, render.SecretReplication).ApplyT(func(sec map[string]string) string {
		return string(render.SystemRolesSQL(c, sec))
	}).(pulumi.StringOutput)
	if _, err := run(ctx, name+"-system-roles", conn, step{
		Create: onPrimary(c, psql("")), Stdin: pulumi.ToSecret(system).(pulumi.StringOutput),
	}, parent, after); err != nil {
		return err
	}
	users := []pulumi.Resource{base}
	for _, u := range c.Users {
		u := u
		sql := pw[u.Name].ApplyT(func(p string) string { return string(render.UserSQL(c, u, p)) }).(pulumi.StringOutput)
		cmd, err := run(ctx, name+"-user-"+u.Name, conn, step{
			Create: onPrimary(c, psql("")),
			Stdin:  pulumi.ToSecret(sql).(pulumi.StringOutput),
		}, parent, []pulumi.Resource{base})
		if err != nil {
			return err
		}
		users = append(users, cmd)
	}
	for _, d := range c.Databases {
		if _, err := run(ctx, name+"-database-"+d.Name, conn, step{
			Create: onPrimary(c, psql("")), Stdin: pulumi.String(string(render.DatabaseSQL(d))),
		}, parent, users); err != nil {
			return err
		}
	}
	return nil
}
