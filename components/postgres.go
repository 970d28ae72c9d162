package components

import (
	"fmt"

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
	// After are resources the member must wait for: the DCS, and for replicas the primary.
	After []pulumi.Resource
}

// Postgres is a running Patroni member.
type Postgres struct {
	pulumi.ResourceState
}

// NewPostgres writes Patroni's config and starts it. The initial primary is ready when it holds
// the leader lock; a replica when its PostgreSQL runs.
func NewPostgres(ctx *pulumi.Context, name string, args *PostgresArgs, opts ...pulumi.ResourceOption) (*Postgres, error) {
	p := &Postgres{}
	if err := ctx.RegisterComponentResource("pgsvc:index:Postgres", name, p, opts...); err != nil {
		return nil, err
	}
	c := args.Cluster
	conn := args.Node.Conn
	callback, err := writeFile(ctx, name+"-callback", conn, plainContent(render.PatroniCallback(c, args.Member)), fileOps{}, p, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	cfg, err := writeFile(ctx, name+"-patroni-yml", conn, secretContent(args.Secrets, func(sec render.Secrets) render.File {
		return render.PatroniConfig(args.Spec, c, args.Member, sec)
	}), fileOps{OnChange: reloadIfActive("patroni")}, p, []pulumi.Resource{callback})
	if err != nil {
		return nil, err
	}
	ready, readiness := "/health", "runs PostgreSQL"
	if args.Member.Role == stacks.RolePrimary {
		ready, readiness = "/primary", "holds the leader lock"
	}
	url := c.PatroniURL("127.0.0.1", ready)
	dataDir := render.DataDir(c)
	del := stopService("patroni")
	if c.RemoveDataOnDestroy {
		del += "\nrm -rf " + render.ShellQuote(dataDir)
	}
	_, err = run(ctx, name+"-service", conn, step{
		Create: fmt.Sprintf("install -d -o postgres -g postgres -m 0700 %s\n", render.ShellQuote(fmt.Sprintf("/var/lib/postgresql/%d", c.Version))) +
			startService("patroni") + "\n" +
			waitFor(httpStatusIs(url, 200), 300, fmt.Sprintf("%s: Patroni member %s not ready (%s) within 300s", args.Node.Conn.Node, c.MemberName(args.Member), readiness)),
		Delete: del,
	}, p, append([]pulumi.Resource{cfg}, args.After...))
	if err != nil {
		return nil, err
	}
	return p, ctx.RegisterResourceOutputs(p, pulumi.Map{"dataDir": pulumi.String(dataDir)})
}
