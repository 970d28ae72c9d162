package components

// Upgrades of stacks that an earlier pgsvc deployed, apart from the steady-state graph so that
// they can be retired once no such stack is left:
//
//   - one cluster per stack to environments of several clusters (2026-11): legacyAliases move
//     the environment's resources in the state instead of replacing them;
//   - etcd from plain HTTP to TLS (2026-11): newEtcdFinishMove, with render/upgrade.go;
//   - Debian's vip-manager 1.0.2 to pgsvc-vip (2026-12): in render/upgrade.go.

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// legacyAliases say where an environment-wide resource lived before a stack could hold several
// clusters: under the stack's one PgCluster, some under another name (oldName, given the
// cluster's name; nil keeps the name). With them, upgrading such a stack moves the resources in
// the state instead of replacing them, which would stop etcd and dnsmasq and generate a new etcd
// root password.
func legacyAliases(ctx *pulumi.Context, spec *stacks.Spec, oldName func(cluster string) string) pulumi.ResourceOption {
	var aliases []pulumi.Alias
	for _, c := range spec.Clusters {
		a := pulumi.Alias{ParentURN: pulumi.URN(fmt.Sprintf("urn:pulumi:%s::%s::pgsvc:index:PgCluster::%s", ctx.Stack(), ctx.Project(), c.Name))}
		if oldName != nil {
			a.Name = pulumi.String(oldName(c.Name))
		}
		aliases = append(aliases, a)
	}
	return pulumi.Aliases(aliases)
}

// newEtcdFinishMove ends each member's move to TLS, one member at a time, once every DCS
// client in after speaks TLS. On a member that is not moving, it does nothing.
func newEtcdFinishMove(ctx *pulumi.Context, env *Environment, after []pulumi.Resource) error {
	after = slices.Clone(after)
	for _, m := range env.Spec.Etcd.Members {
		r, err := run(ctx, m+"-etcd-tls-finish", env.Nodes[m].Conn, step{
			Create: string(render.EtcdFinishMoveScript(env.Spec, m)) + render.EtcdHealthy(env.Spec, m),
			Stdin:  etcdStdin(env.EtcdRootPassword, pulumi.String("")),
		}, env, after)
		if err != nil {
			return err
		}
		after = append(after, r)
	}
	return nil
}
