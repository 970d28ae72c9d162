package components

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
)

// NodeArgs describe one machine and what it runs.
type NodeArgs struct {
	Conn Conn
	// Packages are the Debian packages the node's roles need.
	Packages []string
	// Member is true for PostgreSQL members, whose package install must not create a cluster.
	Member bool
	// After are the checks that must pass before the node is changed.
	After []pulumi.Resource
}

// Node is a prepared machine: checked, with its packages installed, and its facts read.
type Node struct {
	pulumi.ResourceState
	Conn Conn
	// NoFile is the open-files limit the node's daemons get.
	NoFile pulumi.IntOutput
}

// NewNode checks a node, installs its packages and reads its facts.
func NewNode(ctx *pulumi.Context, name string, args *NodeArgs, opts ...pulumi.ResourceOption) (*Node, error) {
	n := &Node{Conn: args.Conn}
	if err := ctx.RegisterComponentResource("pgsvc:index:Node", name, n, opts...); err != nil {
		return nil, err
	}
	// The first change on the node waits for the checks; the rest waits for the first.
	deps := args.After
	if args.Member {
		conf, err := writeFile(ctx, name+"-createcluster-conf", args.Conn, plainContent(render.CreateClusterConf()), render.FileOps{}, n, args.After)
		if err != nil {
			return nil, err
		}
		deps = []pulumi.Resource{conf}
	}
	install, err := run(ctx, name+"-packages", args.Conn, step{
		Create:   render.Install(args.Packages),
		Triggers: pulumi.Array{pulumi.String(strings.Join(args.Packages, " "))},
	}, n, deps)
	if err != nil {
		return nil, err
	}
	facts, err := run(ctx, name+"-facts", args.Conn, step{Create: render.Facts}, n, []pulumi.Resource{install})
	if err != nil {
		return nil, err
	}
	n.NoFile = facts.Stdout.ApplyT(parseNoFile).(pulumi.IntOutput)
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{"nofile": n.NoFile})
}

// parseNoFile reads the facts command's output; "unlimited" counts as Pigsty's full size.
func parseNoFile(out string) int {
	v, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return 65536
	}
	return v
}
