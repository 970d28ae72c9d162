package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// HAProxyArgs place the load balancer on one member.
type HAProxyArgs struct {
	Cluster *stacks.Cluster
	Member  stacks.Member
	Node    *Node
	Secrets pulumi.StringMapOutput
	// TLS is the node's certificate files, which the stats page serves.
	TLS pulumi.Resource
	// Patroni is the cluster's Patroni configuration, in effect on every member once it is
	// done: the services' checks follow how Patroni serves its REST API.
	Patroni pulumi.Resource
}

// HAProxy is a running load balancer with one Service child per service.
type HAProxy struct {
	pulumi.ResourceState
	Services map[string]*Service
}

// NewHAProxy writes HAProxy's files (render.HAProxy), one file per service, and starts it.
// Later changes to a service reload HAProxy (validated first), so established sessions survive.
func NewHAProxy(ctx *pulumi.Context, name string, args *HAProxyArgs, opts ...pulumi.ResourceOption) (*HAProxy, error) {
	h := &HAProxy{Services: map[string]*Service{}}
	if err := ctx.RegisterComponentResource("pgsvc:index:HAProxy", name, h, opts...); err != nil {
		return nil, err
	}
	a := daemonArgs{Daemon: render.HAProxy, Input: render.Input{Cluster: args.Cluster, Member: args.Member}, Node: args.Node,
		Secrets: args.Secrets, FilesAfter: []pulumi.Resource{args.Node}, Extra: map[string][]pulumi.Resource{"cfg": {args.TLS}}, Start: name + "-service"}
	files, _, err := writeDaemonFiles(ctx, name, a, h, false, a.FilesAfter)
	if err != nil {
		return nil, err
	}
	base := files["cfg"]
	for _, svc := range args.Cluster.AllServices() {
		s, err := NewService(ctx, name+"-"+svc.Name, &ServiceArgs{Cluster: args.Cluster, Conn: args.Node.Conn, Service: svc, After: []pulumi.Resource{base, args.Patroni}},
			pulumi.Parent(h))
		if err != nil {
			return nil, err
		}
		h.Services[svc.Name] = s
		a.StartAfter = append(a.StartAfter, s)
	}
	if _, err := startDaemon(ctx, name, a, h, []pulumi.Resource{base}); err != nil {
		return nil, err
	}
	return h, ctx.RegisterResourceOutputs(h, pulumi.Map{})
}
