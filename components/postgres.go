package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// PostgresArgs place one Patroni-managed PostgreSQL member.
type PostgresArgs struct {
	Spec    *stacks.Spec
	Cluster *stacks.Cluster
	Node    *Node
	Member  stacks.Member
	Secrets pulumi.StringMapOutput
	// ConfigAfter is the config file of the member whose Patroni takes a change before this
	// one's: a change that restarts Patroni goes through the members one at a time.
	ConfigAfter pulumi.Resource
}

// Postgres is a Patroni member: its files (render.Patroni), and once started (Start), the
// running member.
type Postgres struct {
	pulumi.ResourceState
	// Config is the member's Patroni config file.
	Config pulumi.Resource
	name   string
	daemon daemonArgs
	files  []pulumi.Resource
}

// NewPostgres writes Patroni's files; Start starts the member.
func NewPostgres(ctx *pulumi.Context, name string, args *PostgresArgs, opts ...pulumi.ResourceOption) (*Postgres, error) {
	p := &Postgres{name: name}
	if err := ctx.RegisterComponentResource("pgsvc:index:Postgres", name, p, opts...); err != nil {
		return nil, err
	}
	c := args.Cluster
	p.daemon = daemonArgs{Daemon: render.Patroni, Input: render.Input{Spec: args.Spec, Cluster: c, Member: args.Member, Node: args.Node.Conn.Node},
		Node: args.Node, Secrets: args.Secrets, FilesAfter: []pulumi.Resource{args.Node}, Start: name + "-service"}
	if args.ConfigAfter != nil {
		p.daemon.Extra = map[string][]pulumi.Resource{"patroni-yml": {args.ConfigAfter}}
	}
	byName, files, err := writeDaemonFiles(ctx, name, p.daemon, p, false, p.daemon.FilesAfter)
	if err != nil {
		return nil, err
	}
	p.Config, p.files = byName["patroni-yml"], files
	return p, nil
}

// Start starts Patroni (render.PatroniStart) after the resources in after: the DCS, and for
// replicas the primary; then the guard that keeps PostgreSQL under Patroni.
func (p *Postgres) Start(ctx *pulumi.Context, after []pulumi.Resource) error {
	a := p.daemon
	a.StartAfter = after
	started, err := startDaemon(ctx, p.name, a, p, p.files)
	if err != nil {
		return err
	}
	if _, err := newDaemon(ctx, p.name+"-guard", daemonArgs{Daemon: render.PatroniGuardDaemon, Input: a.Input, Node: a.Node,
		FilesAfter: []pulumi.Resource{started}, Start: p.name + "-guard"}, p); err != nil {
		return err
	}
	return ctx.RegisterResourceOutputs(p, pulumi.Map{"dataDir": pulumi.String(render.DataDir(a.Input.Cluster))})
}
