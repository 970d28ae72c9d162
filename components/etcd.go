package components

import (
	"fmt"
	"path"
	"slices"

	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// EtcdArgs place one etcd member of the DCS.
type EtcdArgs struct {
	Spec *stacks.Spec
	Node *Node
	// Member is the member's name in the etcd cluster (its node's name).
	Member string
	// TLS is the node's certificate and etcd's key.
	TLS pulumi.Resource
	// Previous is the member before this one: members change their settings one at a time, so
	// that a restart never costs the quorum.
	Previous *Etcd
}

// Etcd is one running member of the DCS.
type Etcd struct {
	pulumi.ResourceState
	// Env is the member's settings file, written after the previous member's is in effect.
	Env *remote.Command
}

// NewEtcd configures and starts an etcd member; it is ready once its cluster answers healthy.
func NewEtcd(ctx *pulumi.Context, name string, args *EtcdArgs, opts ...pulumi.ResourceOption) (*Etcd, error) {
	e := &Etcd{}
	if err := ctx.RegisterComponentResource("pgsvc:index:Etcd", name, e, opts...); err != nil {
		return nil, err
	}
	conn := args.Node.Conn
	dropin, err := writeFile(ctx, name+"-dropin", conn, plainContent(render.EtcdDropIn()), fileOps{OnChange: daemonReload}, e, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	deps := []pulumi.Resource{dropin, args.TLS}
	if args.Previous != nil {
		deps = append(deps, args.Previous.Env)
	}
	health := etcdHealthy(args.Spec, args.Member)
	e.Env, err = writeFile(ctx, name+"-env", conn, plainContent(render.EtcdEnv(args.Spec, args.Member)),
		fileOps{OnChange: etcdRestart(args.Spec, args.Member) + "\n  " + health}, e, deps)
	if err != nil {
		return nil, err
	}
	// Members start without waiting for each other (--no-block): etcd is ready only once a
	// quorum of them runs.
	_, err = run(ctx, name+"-service", conn, step{
		Create: "systemctl enable -q etcd && systemctl start --no-block etcd\n" + waitFor(etcdHealth(args.Spec), 120, "etcd member "+args.Member+" did not become healthy within 120s"),
		Delete: stopService("etcd"),
	}, e, []pulumi.Resource{e.Env})
	if err != nil {
		return nil, err
	}
	return e, ctx.RegisterResourceOutputs(e, pulumi.Map{})
}

// etcdHealth checks the local member over TLS; /health answers without credentials once
// authentication is on (etcdctl's check does not).
func etcdHealth(s *stacks.Spec) string {
	return fmt.Sprintf(`curl -s -m 2 --cacert %s https://127.0.0.1:%d/health | grep -q '"health":"true"'`, render.CACertPath, s.Etcd.ClientPort)
}

// etcdHealthy waits, while etcd runs, until the member answers healthy again after a restart.
func etcdHealthy(s *stacks.Spec, member string) string {
	return "if systemctl is-active -q etcd; then " + waitFor(etcdHealth(s), 60, "etcd member "+member+" not healthy within 60s of its restart") + "; fi"
}

// etcdRestart restarts a running member after its settings changed. A member whose previous
// settings had plain peer URLs is moving to TLS: it restarts with its certificate but keeps its
// plain listeners (render.EtcdMove) until every DCS client speaks TLS.
func etcdRestart(s *stacks.Spec, member string) string {
	move := render.EtcdMove(s, member)
	return fmt.Sprintf(`if systemctl is-active -q etcd; then
    if grep -q '^ETCD_LISTEN_PEER_URLS="http://' "$f.pgsvc-old" 2>/dev/null; then
      mkdir -p %s && cat > %s <<'PGSVC_EOF'
%sPGSVC_EOF
    fi
    systemctl restart etcd
  fi`, render.ShellQuote(path.Dir(move.Path)), render.ShellQuote(move.Path), move.Content)
}

// newEtcdFinishMove ends each member's move to TLS, one member at a time, once every DCS
// client in after speaks TLS. On a member that is not moving, it does nothing.
func newEtcdFinishMove(ctx *pulumi.Context, env *Environment, after []pulumi.Resource) error {
	after = slices.Clone(after)
	for _, m := range env.Spec.Etcd.Members {
		r, err := run(ctx, m+"-etcd-tls-finish", env.Nodes[m].Conn, step{
			Create: string(render.EtcdFinishMoveScript(env.Spec, m)) + etcdHealthy(env.Spec, m),
			Stdin:  etcdStdin(env.EtcdRootPassword, pulumi.String("")),
		}, env, after)
		if err != nil {
			return err
		}
		after = append(after, r)
	}
	return nil
}
