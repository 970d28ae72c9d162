package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// newEtcdAuth turns on etcd's authentication through the first etcd member. It runs after
// every DCS client (Patroni, vip-manager) got its credentials, so that turning it on never cuts
// a running client off, and is undone before they stop on destroy.
func newEtcdAuth(ctx *pulumi.Context, spec *stacks.Spec, node *Node, pw Passwords, parent pulumi.Resource, after []pulumi.Resource) error {
	input := pw.Pick(render.SecretEtcdRoot, render.SecretEtcdCluster).ApplyT(func(sec map[string]string) string {
		return string(render.EtcdAuthInput(sec))
	}).(pulumi.StringOutput)
	// Replacing it (another first member) must not run the old one's "off" after the new "on".
	_, err := run(ctx, spec.Cluster.Name+"-etcd-auth", node.Conn, step{
		Create: string(render.EtcdAuthScript(spec)),
		Delete: string(render.EtcdAuthOffScript(spec)),
		Stdin:  pulumi.ToSecret(input).(pulumi.StringOutput),
	}, parent, after, pulumi.DeleteBeforeReplace(true))
	return err
}
