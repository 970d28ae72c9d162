package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// VipManagerArgs place the VIP's keeper on one member.
type VipManagerArgs struct {
	Cluster *stacks.Cluster
	Node    *Node
	Member  stacks.Member
	// After is the member's running Patroni.
	After []pulumi.Resource
}

// VipManager keeps the cluster's VIP on the member whose Patroni reports it the primary.
type VipManager struct {
	pulumi.ResourceState
}

// NewVipManager writes the VIP keeper's script and unit (render.VipKeeper) and starts it. It
// replaces Debian's vip-manager 1.0.2 of earlier deployments, which it stops.
func NewVipManager(ctx *pulumi.Context, name string, args *VipManagerArgs, opts ...pulumi.ResourceOption) (*VipManager, error) {
	v := &VipManager{}
	if err := ctx.RegisterComponentResource("pgsvc:index:VipManager", name, v, opts...); err != nil {
		return nil, err
	}
	// Stopping the unit releases the VIP and resets the connections made through it.
	if _, err := newDaemon(ctx, name+"-vip", daemonArgs{Daemon: render.VipKeeper, Input: render.Input{Cluster: args.Cluster, Member: args.Member},
		Node: args.Node, FilesAfter: append([]pulumi.Resource{args.Node}, args.After...), Start: name + "-vip",
		StartAfter: args.After}, v); err != nil {
		return nil, err
	}
	return v, ctx.RegisterResourceOutputs(v, pulumi.Map{"address": pulumi.String(args.Cluster.VIP.Address)})
}
