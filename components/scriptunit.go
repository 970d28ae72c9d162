package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
)

// scriptUnit is a script of pgsvc's own and the systemd unit that runs it.
type scriptUnit struct {
	Unit         string
	Script, File render.File
	// Before runs ahead of the unit's start.
	Before string
}

// newScriptUnit writes the script and its unit file and keeps the unit running: a change of
// either restarts it, and deleting it stops the unit. It starts after deps.
func newScriptUnit(ctx *pulumi.Context, name string, conn Conn, u scriptUnit, parent pulumi.Resource, deps []pulumi.Resource) (pulumi.Resource, error) {
	script, err := writeFile(ctx, name+"-sh", conn, plainContent(u.Script), render.FileOps{OnChange: render.RestartIfActive(u.Unit)}, parent, deps)
	if err != nil {
		return nil, err
	}
	file, err := writeFile(ctx, name+"-unit", conn, plainContent(u.File),
		render.FileOps{OnChange: render.DaemonReload + " && " + render.RestartIfActive(u.Unit)}, parent, []pulumi.Resource{script})
	if err != nil {
		return nil, err
	}
	start := render.StartService(u.Unit)
	if u.Before != "" {
		start = u.Before + "\n" + start
	}
	return run(ctx, name, conn, step{Create: start, Delete: render.StopService(u.Unit)}, parent, append([]pulumi.Resource{file}, deps...))
}
