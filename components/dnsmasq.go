package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// DnsmasqArgs place dnsmasq on one infra node.
type DnsmasqArgs struct {
	Spec *stacks.Spec
	Node *Node
	// Infra is the node's name.
	Infra string
}

// Dnsmasq answers every cluster's and every member's names; each cluster writes its own records
// file (dnsRecords), which dnsmasq reads without a restart.
type Dnsmasq struct {
	pulumi.ResourceState
	Node *Node
}

// NewDnsmasq writes dnsmasq's config (render.Dnsmasq) and starts it.
func NewDnsmasq(ctx *pulumi.Context, name string, args *DnsmasqArgs, opts ...pulumi.ResourceOption) (*Dnsmasq, error) {
	d := &Dnsmasq{Node: args.Node}
	if err := ctx.RegisterComponentResource("pgsvc:index:Dnsmasq", name, d, opts...); err != nil {
		return nil, err
	}
	if _, err := newDaemon(ctx, name, daemonArgs{Daemon: render.Dnsmasq, Input: render.Input{Spec: args.Spec, Node: args.Infra}, Node: args.Node,
		FilesAfter: []pulumi.Resource{args.Node}, Start: name + "-service"}, d); err != nil {
		return nil, err
	}
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{})
}

// dnsRecords writes a cluster's records file on every infra node's dnsmasq.
func dnsRecords(ctx *pulumi.Context, c *stacks.Cluster, dns []*Dnsmasq, parent pulumi.Resource) error {
	for _, d := range dns {
		if _, err := writeFile(ctx, c.Name+"-dns-"+d.Node.Conn.Node, d.Node.Conn, plainContent(render.DNSHosts(c)), render.FileOps{}, parent, []pulumi.Resource{d}); err != nil {
			return err
		}
	}
	return nil
}
