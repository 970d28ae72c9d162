package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// newDynamicConfig keeps Patroni's dynamic configuration (the RTO plan's timings, synchronous
// mode, the lag limit) in the DCS in step with the stack. Patroni applies it on every member
// without restarting PostgreSQL.
func newDynamicConfig(ctx *pulumi.Context, name string, c *stacks.Cluster, node *Node, parent pulumi.Resource, after []pulumi.Resource) error {
	cfg := render.PatroniDynamicConfig(c)
	_, err := run(ctx, name+"-patroni-dynamic", node.Conn, step{
		Create:   render.ApplyDynamicConfig(c),
		Stdin:    pulumi.String(string(cfg)),
		Triggers: pulumi.Array{pulumi.String(sha256Hex(string(cfg)))},
	}, parent, after)
	return err
}
