package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// ServiceArgs describe one HAProxy service on one node.
type ServiceArgs struct {
	Cluster *stacks.Cluster
	Conn    Conn
	Service stacks.Service
	// After must be in place before the service's file: HAProxy's base config, and the Patroni
	// configuration its checks follow.
	After []pulumi.Resource
}

// Service is one listen section of HAProxy.
type Service struct {
	pulumi.ResourceState
}

// NewService writes the service's file; a change or removal reloads HAProxy after validating it.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	s := &Service{}
	if err := ctx.RegisterComponentResource("pgsvc:index:Service", name, s, opts...); err != nil {
		return nil, err
	}
	ops := render.FileOps{Validate: render.HAProxyCheck, OnChange: render.HAProxyReload, OnDelete: render.HAProxyReload}
	if _, err := writeFile(ctx, name+"-cfg", args.Conn, plainContent(render.HAProxyService(args.Cluster, args.Service)), ops, s, args.After); err != nil {
		return nil, err
	}
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{"port": pulumi.Int(args.Service.Port)})
}
