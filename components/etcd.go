package components

import (
	"slices"

	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// EtcdArgs place one etcd member of the DCS.
type EtcdArgs struct {
	Spec *stacks.Spec
	Node *Node
	// Member is the member's name in the etcd cluster (its node's name).
	Member string
	// TLS is the node's certificate and etcd's key.
	TLS pulumi.Resource
	// Previous is the member before this one: members change their settings one at a time, so
	// that a restart never costs the quorum.
	Previous *Etcd
}

// Etcd is one running member of the DCS.
type Etcd struct {
	pulumi.ResourceState
	// Env is the member's settings file, written after the previous member's is in effect.
	Env *remote.Command
}

// NewEtcd configures and starts an etcd member; it is ready once its cluster answers healthy.
func NewEtcd(ctx *pulumi.Context, name string, args *EtcdArgs, opts ...pulumi.ResourceOption) (*Etcd, error) {
	e := &Etcd{}
	if err := ctx.RegisterComponentResource("pgsvc:index:Etcd", name, e, opts...); err != nil {
		return nil, err
	}
	conn := args.Node.Conn
	dropin, err := writeFile(ctx, name+"-dropin", conn, plainContent(render.EtcdDropIn()), render.FileOps{OnChange: render.DaemonReload}, e, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	deps := []pulumi.Resource{dropin, args.TLS}
	if args.Previous != nil {
		deps = append(deps, args.Previous.Env)
	}
	e.Env, err = writeFile(ctx, name+"-env", conn, plainContent(render.EtcdEnv(args.Spec, args.Member)),
		render.FileOps{OnChange: render.EtcdRestart(args.Spec, args.Member)}, e, deps)
	if err != nil {
		return nil, err
	}
	_, err = run(ctx, name+"-service", conn, step{
		Create: render.EtcdStart(args.Spec, args.Member),
		Delete: render.StopService("etcd"),
	}, e, []pulumi.Resource{e.Env})
	if err != nil {
		return nil, err
	}
	return e, ctx.RegisterResourceOutputs(e, pulumi.Map{})
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
