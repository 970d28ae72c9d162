package components

import (
	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
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

// Postgres is a Patroni member: its config, and once started (Start), the running member.
type Postgres struct {
	pulumi.ResourceState
	// Config is the member's Patroni config file.
	Config *remote.Command
	name   string
	args   *PostgresArgs
}

// NewPostgres writes Patroni's config; Start starts the member.
func NewPostgres(ctx *pulumi.Context, name string, args *PostgresArgs, opts ...pulumi.ResourceOption) (*Postgres, error) {
	p := &Postgres{name: name, args: args}
	if err := ctx.RegisterComponentResource("pgsvc:index:Postgres", name, p, opts...); err != nil {
		return nil, err
	}
	c := args.Cluster
	conn := args.Node.Conn
	callback, err := writeFile(ctx, name+"-callback", conn, plainContent(render.PatroniCallback(c, args.Member)), render.FileOps{}, p, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	deps := []pulumi.Resource{callback}
	if args.ConfigAfter != nil {
		deps = append(deps, args.ConfigAfter)
	}
	p.Config, err = writeFile(ctx, name+"-patroni-yml", conn, secretContent(args.Secrets, func(sec render.Secrets) render.File {
		return render.PatroniConfig(args.Spec, c, args.Member, sec)
	}), render.FileOps{OnChange: render.PatroniApply(c, args.Member)}, p, deps)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Start starts Patroni (render.PatroniStart) after the resources in after: the DCS, and for
// replicas the primary.
func (p *Postgres) Start(ctx *pulumi.Context, after []pulumi.Resource) error {
	c := p.args.Cluster
	service, err := run(ctx, p.name+"-service", p.args.Node.Conn, step{
		Create: render.PatroniStart(c, p.args.Member, p.args.Node.Conn.Node),
		Delete: render.PatroniStop(c),
	}, p, append([]pulumi.Resource{p.Config}, after...))
	if err != nil {
		return err
	}
	if err := p.guard(ctx, service); err != nil {
		return err
	}
	return ctx.RegisterResourceOutputs(p, pulumi.Map{"dataDir": pulumi.String(render.DataDir(c))})
}

// guard runs the service that brings a PostgreSQL that Patroni rejects back under Patroni, once
// Patroni runs.
func (p *Postgres) guard(ctx *pulumi.Context, patroni pulumi.Resource) error {
	_, err := newScriptUnit(ctx, p.name+"-guard", p.args.Node.Conn, scriptUnit{Unit: render.PatroniGuardUnit,
		Script: render.PatroniGuard(p.args.Cluster, p.args.Member), File: render.PatroniGuardService()}, p, []pulumi.Resource{patroni})
	return err
}
