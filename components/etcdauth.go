package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// etcdStdin is the etcd auth scripts' stdin: the root password, then the cluster user's.
func etcdStdin(root pulumi.StringOutput, user pulumi.StringInput) pulumi.StringOutput {
	in := pulumi.All(root, user).ApplyT(func(pws []any) string {
		return string(render.EtcdUserInput(render.Secrets{render.SecretEtcdRoot: pws[0].(string), render.SecretEtcdCluster: pws[1].(string)}))
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(in).(pulumi.StringOutput)
}

// newEtcdRoot sets etcd's root user through the first etcd member, once the DCS is up.
func newEtcdRoot(ctx *pulumi.Context, spec *stacks.Spec, node *Node, root pulumi.StringOutput, parent pulumi.Resource, after []pulumi.Resource) (pulumi.Resource, error) {
	return run(ctx, "etcd-root", node.Conn, step{Create: string(render.EtcdRootScript(spec)), Stdin: etcdStdin(root, pulumi.String(""))}, parent, after)
}

// newEtcdUser makes a cluster's own etcd user before its DCS clients start, and removes it
// after they stopped, when the cluster leaves the stack.
func newEtcdUser(ctx *pulumi.Context, spec *stacks.Spec, c *stacks.Cluster, node *Node, root, user pulumi.StringOutput, parent pulumi.Resource, after []pulumi.Resource) (pulumi.Resource, error) {
	return run(ctx, c.Name+"-etcd-user", node.Conn, step{
		Create: string(render.EtcdUserScript(spec, c)),
		Delete: string(render.EtcdUserRemoveScript(spec, c)),
		Stdin:  etcdStdin(root, user),
	}, parent, after)
}

// newEtcdAuth turns on etcd's authentication through the first etcd member. It runs after
// every cluster's user exists and every DCS client (Patroni) got its credentials,
// so that turning it on never cuts a running client off, and is undone before they stop on
// destroy.
func newEtcdAuth(ctx *pulumi.Context, spec *stacks.Spec, node *Node, root pulumi.StringOutput, parent pulumi.Resource, after []pulumi.Resource) (pulumi.Resource, error) {
	legacy := legacyAliases(ctx, spec, func(c string) string { return c + "-etcd-auth" })
	// Replacing it (another first member) must not run the old one's "off" after the new "on".
	return run(ctx, "etcd-auth", node.Conn, step{
		Create: string(render.EtcdAuthScript(spec)),
		Delete: string(render.EtcdAuthOffScript(spec)),
		Stdin:  etcdStdin(root, pulumi.String("")),
	}, parent, after, pulumi.DeleteBeforeReplace(true), legacy)
}
