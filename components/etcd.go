package components

import (
	"fmt"

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
}

// Etcd is one running member of the DCS.
type Etcd struct {
	pulumi.ResourceState
}

// NewEtcd configures and starts an etcd member; it is ready once its cluster answers healthy.
func NewEtcd(ctx *pulumi.Context, name string, args *EtcdArgs, opts ...pulumi.ResourceOption) (*Etcd, error) {
	e := &Etcd{}
	if err := ctx.RegisterComponentResource("pgsvc:index:Etcd", name, e, opts...); err != nil {
		return nil, err
	}
	conn := args.Node.Conn
	env, err := writeFile(ctx, name+"-env", conn, plainContent(render.EtcdEnv(args.Spec, args.Member)),
		fileOps{OnChange: restartIfActive("etcd")}, e, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	// /health answers without credentials once authentication is on (etcdctl's check does not).
	health := fmt.Sprintf(`curl -s -m 2 http://127.0.0.1:%d/health | grep -q '"health":"true"'`, args.Spec.Etcd.ClientPort)
	// Members start without waiting for each other (--no-block): etcd is ready only once a
	// quorum of them runs.
	_, err = run(ctx, name+"-service", conn, step{
		Create: "systemctl enable -q etcd && systemctl start --no-block etcd\n" +
			waitFor(health, 120, "etcd member "+args.Member+" did not become healthy within 120s"),
		Delete: stopService("etcd"),
	}, e, []pulumi.Resource{env})
	if err != nil {
		return nil, err
	}
	return e, ctx.RegisterResourceOutputs(e, pulumi.Map{})
}
