package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// HAProxyArgs place the load balancer on one member.
type HAProxyArgs struct {
	Cluster *stacks.Cluster
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

// NewHAProxy writes HAProxy's base config, one file per service, and starts it. Later changes to
// a service reload HAProxy (validated first), so established sessions survive.
func NewHAProxy(ctx *pulumi.Context, name string, args *HAProxyArgs, opts ...pulumi.ResourceOption) (*HAProxy, error) {
	h := &HAProxy{Services: map[string]*Service{}}
	if err := ctx.RegisterComponentResource("pgsvc:index:HAProxy", name, h, opts...); err != nil {
		return nil, err
	}
	conn := args.Node.Conn
	dropin, err := writeFile(ctx, name+"-dropin", conn, plainContent(render.HAProxyDropIn()),
		render.FileOps{OnChange: render.DaemonReload}, h, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	// HAProxy reads Lua only when it starts or reloads: the base config's reload follows a change.
	hold, err := writeFile(ctx, name+"-hold", conn, plainContent(render.HAProxyHold()), render.FileOps{}, h, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	base, err := writeFile(ctx, name+"-cfg", conn, secretContent(args.Secrets, func(sec render.Secrets) render.File {
		return render.HAProxyConfig(args.Cluster, sec)
	}), render.FileOps{Validate: render.HAProxyCheck, OnChange: render.HAProxyReload}, h, []pulumi.Resource{dropin, hold, args.TLS})
	if err != nil {
		return nil, err
	}
	if _, err := writeFile(ctx, name+"-routing", conn, plainContent(render.HAProxyRouting(args.Cluster)), render.FileOps{}, h, []pulumi.Resource{args.Node}); err != nil {
		return nil, err
	}
	var services []pulumi.Resource
	for _, svc := range args.Cluster.AllServices() {
		s, err := NewService(ctx, name+"-"+svc.Name, &ServiceArgs{Cluster: args.Cluster, Conn: conn, Service: svc, After: []pulumi.Resource{base, args.Patroni}},
			pulumi.Parent(h))
		if err != nil {
			return nil, err
		}
		h.Services[svc.Name] = s
		services = append(services, s)
	}
	_, err = run(ctx, name+"-service", conn, step{Create: render.StartService("haproxy"), Delete: render.StopService("haproxy")},
		h, append(services, base))
	if err != nil {
		return nil, err
	}
	return h, ctx.RegisterResourceOutputs(h, pulumi.Map{})
}
