package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// PgBouncerArgs place the pooler on one member.
type PgBouncerArgs struct {
	Cluster *stacks.Cluster
	Node    *Node
	Secrets pulumi.StringMapOutput
	// After is the member's PostgreSQL.
	After []pulumi.Resource
}

// PgBouncer is a running pooler.
type PgBouncer struct {
	pulumi.ResourceState
}

// NewPgBouncer writes PgBouncer's config, auth and hba files and starts it.
func NewPgBouncer(ctx *pulumi.Context, name string, args *PgBouncerArgs, opts ...pulumi.ResourceOption) (*PgBouncer, error) {
	b := &PgBouncer{}
	if err := ctx.RegisterComponentResource("pgsvc:index:PgBouncer", name, b, opts...); err != nil {
		return nil, err
	}
	c, conn := args.Cluster, args.Node.Conn
	reload := render.FileOps{OnChange: render.ReloadIfActive("pgbouncer")}
	files := []struct {
		suffix string
		c      content
		ops    render.FileOps
	}{
		{"dropin", derivedContent(args.Node.NoFile, render.PgBouncerDropIn, 0), render.FileOps{OnChange: render.DaemonReload}},
		{"ini", derivedContent(args.Node.NoFile, func(nofile int) render.File { return render.PgBouncerConfig(c, nofile) }, 0), reload},
		{"userlist", secretContent(args.Secrets, func(sec render.Secrets) render.File { return render.PgBouncerUserlist(c, sec) }), reload},
		{"hba", plainContent(render.PgBouncerHBA(c)), reload},
	}
	var written []pulumi.Resource
	for _, f := range files {
		cmd, err := writeFile(ctx, name+"-"+f.suffix, conn, f.c, f.ops, b, []pulumi.Resource{args.Node})
		if err != nil {
			return nil, err
		}
		written = append(written, cmd)
	}
	service, err := run(ctx, name+"-service", conn, step{Create: render.StartService("pgbouncer"), Delete: render.StopService("pgbouncer")},
		b, append(written, args.After...))
	if err != nil {
		return nil, err
	}
	if _, err := writeFile(ctx, name+"-patroni-dropin", conn, plainContent(render.PatroniPgBouncerDropIn()),
		render.FileOps{OnChange: render.DaemonReload, OnDelete: render.DaemonReload}, b, []pulumi.Resource{service}); err != nil {
		return nil, err
	}
	return b, ctx.RegisterResourceOutputs(b, pulumi.Map{})
}
