package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// DnsmasqArgs place dnsmasq on one infra node.
type DnsmasqArgs struct {
	Spec  *stacks.Spec
	Node  *Node
	Infra stacks.Node
}

// Dnsmasq answers the cluster's and its members' names.
type Dnsmasq struct {
	pulumi.ResourceState
}

// NewDnsmasq writes dnsmasq's config and the cluster's records, and starts it. Records change
// without a restart: dnsmasq watches its hosts directory.
func NewDnsmasq(ctx *pulumi.Context, name string, args *DnsmasqArgs, opts ...pulumi.ResourceOption) (*Dnsmasq, error) {
	d := &Dnsmasq{}
	if err := ctx.RegisterComponentResource("pgsvc:index:Dnsmasq", name, d, opts...); err != nil {
		return nil, err
	}
	conn := args.Node.Conn
	cfg, err := writeFile(ctx, name+"-conf", conn, plainContent(render.DnsmasqConfig(args.Infra)),
		fileOps{Validate: "dnsmasq --test", OnChange: restartIfActive("dnsmasq")}, d, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	hosts, err := writeFile(ctx, name+"-hosts", conn, plainContent(render.DNSHosts(&args.Spec.Cluster)), fileOps{}, d, []pulumi.Resource{args.Node})
	if err != nil {
		return nil, err
	}
	_, err = run(ctx, name+"-service", conn, step{Create: startService("dnsmasq"), Delete: stopService("dnsmasq")},
		d, []pulumi.Resource{cfg, hosts})
	if err != nil {
		return nil, err
	}
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{})
}
