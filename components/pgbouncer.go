package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// PgBouncerArgs place the pooler on one member.
type PgBouncerArgs struct {
	Cluster *stacks.Cluster
	Member  stacks.Member
	Node    *Node
	Secrets pulumi.StringMapOutput
	// After is the member's PostgreSQL.
	After []pulumi.Resource
}

// PgBouncer is a running pooler.
type PgBouncer struct {
	pulumi.ResourceState
}

// NewPgBouncer writes PgBouncer's files (render.PgBouncer) and starts it.
func NewPgBouncer(ctx *pulumi.Context, name string, args *PgBouncerArgs, opts ...pulumi.ResourceOption) (*PgBouncer, error) {
	b := &PgBouncer{}
	if err := ctx.RegisterComponentResource("pgsvc:index:PgBouncer", name, b, opts...); err != nil {
		return nil, err
	}
	if _, err := newDaemon(ctx, name, daemonArgs{Daemon: render.PgBouncer, Input: render.Input{Cluster: args.Cluster, Member: args.Member},
		Node: args.Node, Secrets: args.Secrets, FilesAfter: []pulumi.Resource{args.Node}, Start: name + "-service", StartAfter: args.After}, b); err != nil {
		return nil, err
	}
	return b, ctx.RegisterResourceOutputs(b, pulumi.Map{})
}
