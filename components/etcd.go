package components

import (
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
	Env pulumi.Resource
}

// NewEtcd configures and starts an etcd member (render.Etcd); it is ready once its cluster
// answers healthy.
func NewEtcd(ctx *pulumi.Context, name string, args *EtcdArgs, opts ...pulumi.ResourceOption) (*Etcd, error) {
	e := &Etcd{}
	if err := ctx.RegisterComponentResource("pgsvc:index:Etcd", name, e, opts...); err != nil {
		return nil, err
	}
	extra := map[string][]pulumi.Resource{"env": {args.TLS}}
	if args.Previous != nil {
		extra["env"] = append(extra["env"], args.Previous.Env)
	}
	files, err := newDaemon(ctx, name, daemonArgs{Daemon: render.Etcd, Input: render.Input{Spec: args.Spec, Node: args.Member}, Node: args.Node,
		FilesAfter: []pulumi.Resource{args.Node}, Extra: extra, Start: name + "-service"}, e)
	if err != nil {
		return nil, err
	}
	e.Env = files["env"]
	return e, ctx.RegisterResourceOutputs(e, pulumi.Map{})
}
