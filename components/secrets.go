package components

import (
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// Passwords are the generated credentials, by role name (see render.Secret*).
type Passwords map[string]pulumi.StringOutput

// Pick is the subset of passwords a file needs, so that rotating one password leaves every
// other file's content known during preview.
func (p Passwords) Pick(names ...string) pulumi.StringMapOutput {
	m := pulumi.StringMap{}
	for _, n := range names {
		m[n] = p[n]
	}
	return pulumi.ToSecret(m.ToStringMapOutput()).(pulumi.StringMapOutput)
}

// newPasswords generates one password per system role and cluster user. A user's rotation
// keeper replaces only that user's password.
func newPasswords(ctx *pulumi.Context, c *stacks.Cluster, parent pulumi.Resource) (Passwords, error) {
	out := Passwords{}
	for _, name := range []string{render.SecretSuperuser, render.SecretReplication, render.SecretPatroniAPI, render.SecretHAProxy, render.SecretEtcdCluster} {
		pw, err := newPassword(ctx, c.Name+"-password-"+name, "", parent)
		if err != nil {
			return nil, err
		}
		out[name] = pw
	}
	for _, u := range c.Users {
		pw, err := newPassword(ctx, c.Name+"-password-"+u.Name, u.Rotation, parent)
		if err != nil {
			return nil, err
		}
		out[u.Name] = pw
	}
	return out, nil
}

// newPassword is one generated password; changing rotation generates a new one.
func newPassword(ctx *pulumi.Context, name, rotation string, parent pulumi.Resource, opts ...pulumi.ResourceOption) (pulumi.StringOutput, error) {
	pw, err := random.NewRandomPassword(ctx, name, &random.RandomPasswordArgs{
		Length:  pulumi.Int(32),
		Special: pulumi.Bool(false),
		Keepers: pulumi.StringMap{"rotation": pulumi.String(rotation)},
	}, append([]pulumi.ResourceOption{pulumi.Parent(parent)}, opts...)...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pw.Result, nil
}

// userNames lists the cluster's users.
func userNames(c *stacks.Cluster) []string {
	var names []string
	for _, u := range c.Users {
		names = append(names, u.Name)
	}
	return names
}
