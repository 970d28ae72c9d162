package components

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
)

// daemonArgs place one daemon's files on a node and start it.
type daemonArgs struct {
	Daemon render.Daemon
	Input  render.Input
	Node   *Node
	// Secrets are the passwords its secret files are rendered from.
	Secrets pulumi.StringMapOutput
	// Files are written after FilesAfter, and a file also after Extra[its name].
	FilesAfter []pulumi.Resource
	Extra      map[string][]pulumi.Resource
	// Start names the command that starts the daemon, after its files and StartAfter.
	Start      string
	StartAfter []pulumi.Resource
}

// newDaemon writes the daemon's files under names prefix-<file> and keeps its unit running:
// the files it needs to start, the start, then the files written once it runs.
// It returns the files by name.
func newDaemon(ctx *pulumi.Context, prefix string, a daemonArgs, parent pulumi.Resource) (map[string]pulumi.Resource, error) {
	byName, files, err := writeDaemonFiles(ctx, prefix, a, parent, false, a.FilesAfter)
	if err != nil {
		return nil, err
	}
	_, err = startDaemon(ctx, prefix, a, parent, files)
	return byName, err
}

// startDaemon starts the daemon's unit after files and StartAfter, then writes its files that
// come once it runs. It returns the start.
func startDaemon(ctx *pulumi.Context, prefix string, a daemonArgs, parent pulumi.Resource, files []pulumi.Resource) (pulumi.Resource, error) {
	started, err := run(ctx, a.Start, a.Node.Conn, step{Create: a.Daemon.StartScript(a.Input), Delete: a.Daemon.StopScript(a.Input)}, parent, append(files, a.StartAfter...))
	if err != nil {
		return nil, err
	}
	_, _, err = writeDaemonFiles(ctx, prefix, a, parent, true, []pulumi.Resource{started})
	return started, err
}

// writeDaemonFiles writes the daemon's files that come before its start, or (started) those
// that come once it runs, each after deps, Extra[its name] and the files it names in After. It
// returns them by name and in order.
func writeDaemonFiles(ctx *pulumi.Context, prefix string, a daemonArgs, parent pulumi.Resource, started bool, deps []pulumi.Resource) (map[string]pulumi.Resource, []pulumi.Resource, error) {
	written := map[string]pulumi.Resource{}
	var all []pulumi.Resource
	for _, f := range a.Daemon.Files(a.Input) {
		if f.Started != started {
			continue
		}
		after := append(slices.Clone(deps), a.Extra[f.Name]...)
		for _, name := range f.After {
			after = append(after, written[name])
		}
		cmd, err := writeFile(ctx, prefix+"-"+f.Name, a.Node.Conn, daemonContent(f, a), f.Ops, parent, after)
		if err != nil {
			return nil, nil, err
		}
		written[f.Name] = cmd
		all = append(all, cmd)
	}
	return written, all, nil
}

// daemonContent renders a daemon's file from what it needs: nothing more, so that a plain file
// stays plain (and shows in a diff) and only files with passwords are secret.
func daemonContent(f render.DaemonFile, a daemonArgs) content {
	switch {
	case f.Plain != nil:
		return plainContent(f.Plain(a.Input))
	case f.Sized != nil:
		return derivedContent(a.Node.NoFile, func(nofile int) render.File { return f.Sized(a.Input, nofile) }, 0)
	default:
		return secretContent(a.Secrets, func(sec render.Secrets) render.File { return f.Secret(a.Input, sec) })
	}
}
