// Package components holds pgsvc's Pulumi component resources. They only wire files rendered by
// package render and remote commands together; every decision about content lives in render.
package components

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// PgClusterArgs is a validated spec and the SSH key that reaches its nodes.
type PgClusterArgs struct {
	Spec       *stacks.Spec
	PrivateKey pulumi.StringInput
}

// PgCluster is a whole deployment: nodes, DCS, members and their services, VIP and DNS.
type PgCluster struct {
	pulumi.ResourceState
	// ServiceURLs are connection URLs by service name (secret: they carry passwords).
	ServiceURLs pulumi.StringMapOutput
	// UserPasswords are the cluster users' passwords (secret).
	UserPasswords pulumi.StringMapOutput
	StatsURL      pulumi.StringOutput
	StatsAuth     pulumi.StringOutput
}

// NewPgCluster deploys spec.
func NewPgCluster(ctx *pulumi.Context, name string, args *PgClusterArgs, opts ...pulumi.ResourceOption) (*PgCluster, error) {
	pc := &PgCluster{}
	if err := ctx.RegisterComponentResource("pgsvc:index:PgCluster", name, pc, opts...); err != nil {
		return nil, err
	}
	spec := args.Spec
	c := &spec.Cluster
	pw, err := newPasswords(ctx, c.Name, c, pc)
	if err != nil {
		return nil, err
	}
	nodes, err := newNodes(ctx, spec, args.PrivateKey, pc)
	if err != nil {
		return nil, err
	}

	var dcs []pulumi.Resource
	for _, m := range spec.Etcd.Members {
		e, err := NewEtcd(ctx, m+"-etcd", &EtcdArgs{Spec: spec, Node: nodes[m], Member: m}, pulumi.Parent(pc))
		if err != nil {
			return nil, err
		}
		dcs = append(dcs, e)
	}

	// The initial primary bootstraps first; replicas clone from it.
	members := slices.Clone(c.Members)
	slices.SortStableFunc(members, func(a, b stacks.Member) int {
		return boolRank(b.Role == stacks.RolePrimary) - boolRank(a.Role == stacks.RolePrimary)
	})
	var postgres, dcsClients []pulumi.Resource
	var primary pulumi.Resource
	patroniSecrets := pw.Pick(render.SecretSuperuser, render.SecretReplication, render.SecretPatroniAPI, render.SecretEtcdCluster)
	for _, m := range members {
		member := c.MemberName(m)
		after := slices.Clone(dcs)
		if primary != nil {
			after = append(after, primary)
		}
		p, err := NewPostgres(ctx, member+"-postgres", &PostgresArgs{Spec: spec, Node: nodes[member], Member: m, Secrets: patroniSecrets, After: after}, pulumi.Parent(pc))
		if err != nil {
			return nil, err
		}
		if primary == nil {
			primary = p
		}
		postgres = append(postgres, p)
		dcsClients = append(dcsClients, p)
		if _, err := NewPgBouncer(ctx, member+"-pgbouncer", &PgBouncerArgs{Spec: spec, Node: nodes[member], Secrets: pw.Pick(userNames(c)...), After: []pulumi.Resource{p}}, pulumi.Parent(pc)); err != nil {
			return nil, err
		}
		if _, err := NewHAProxy(ctx, member+"-haproxy", &HAProxyArgs{Spec: spec, Node: nodes[member], Secrets: pw.Pick(render.SecretHAProxy)}, pulumi.Parent(pc)); err != nil {
			return nil, err
		}
		if c.VIP.Enabled {
			v, err := NewVipManager(ctx, member+"-vip-manager", &VipManagerArgs{Spec: spec, Node: nodes[member], Member: m, Secrets: pw.Pick(render.SecretEtcdCluster), After: dcs}, pulumi.Parent(pc))
			if err != nil {
				return nil, err
			}
			dcsClients = append(dcsClients, v)
		}
	}
	if err := newEtcdAuth(ctx, spec, nodes[spec.Etcd.Members[0]], pw, pc, dcsClients); err != nil {
		return nil, err
	}
	for _, m := range c.Members {
		member := c.MemberName(m)
		if err := newRoles(ctx, member, spec, nodes[member], pw, pc, postgres); err != nil {
			return nil, err
		}
		if err := newDynamicConfig(ctx, member, c, nodes[member], pc, postgres); err != nil {
			return nil, err
		}
	}
	for _, n := range spec.Infra {
		if _, err := NewDnsmasq(ctx, n.Name+"-dnsmasq", &DnsmasqArgs{Spec: spec, Node: nodes[n.Name], Infra: n}, pulumi.Parent(pc)); err != nil {
			return nil, err
		}
	}

	pc.ServiceURLs = serviceURLs(c, pw)
	pc.UserPasswords = pw.Pick(userNames(c)...)
	pc.StatsURL = pulumi.Sprintf("http://%s:%d/", accessHost(c), c.Ports.HAProxyStats)
	pc.StatsAuth = pulumi.ToSecret(pulumi.Sprintf("admin:%s", pw[render.SecretHAProxy])).(pulumi.StringOutput)
	return pc, ctx.RegisterResourceOutputs(pc, pulumi.Map{
		"serviceUrls": pc.ServiceURLs, "userPasswords": pc.UserPasswords, "statsUrl": pc.StatsURL, "statsAuth": pc.StatsAuth,
	})
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NodePlan is one machine and the Debian packages all its roles need.
type NodePlan struct {
	Name, IP string
	Packages []string
	// Member runs PostgreSQL.
	Member bool
}

// NodePlans lists every machine of a spec once, infra nodes first.
func NodePlans(spec *stacks.Spec) []NodePlan {
	c := &spec.Cluster
	var plans []NodePlan
	index := map[string]int{}
	add := func(name, ip string, pkgs []string, member bool) {
		i, ok := index[name]
		if !ok {
			i = len(plans)
			index[name] = i
			plans = append(plans, NodePlan{Name: name, IP: ip, Packages: slices.Clone(basePackages)})
		}
		plans[i].Packages = append(plans[i].Packages, pkgs...)
		plans[i].Member = plans[i].Member || member
	}
	for _, n := range spec.Infra {
		add(n.Name, n.IP, dnsmasqPackages, false)
	}
	for _, m := range c.Members {
		add(c.MemberName(m), m.IP, memberPackages, true)
	}
	ips := render.NodeIPs(spec)
	for _, e := range spec.Etcd.Members {
		add(e, ips[e], etcdPackages, false)
	}
	return plans
}

// newNodes checks every machine, then prepares each once, with the packages of all its roles.
func newNodes(ctx *pulumi.Context, spec *stacks.Spec, key pulumi.StringInput, parent pulumi.Resource) (map[string]*Node, error) {
	plans := NodePlans(spec)
	conns := make([]Conn, len(plans))
	for i, p := range plans {
		conns[i] = NewConn(p.Name, p.IP, spec.SSH.User, spec.SSH.Port, key)
	}
	checks, err := newPreflights(ctx, conns, parent)
	if err != nil {
		return nil, err
	}
	nodes := map[string]*Node{}
	for i, p := range plans {
		n, err := NewNode(ctx, p.Name, &NodeArgs{Conn: conns[i], Packages: p.Packages, Member: p.Member, After: checks}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		nodes[p.Name] = n
	}
	return nodes, nil
}

// accessHost is how clients reach the cluster: the VIP when there is one, else the primary.
func accessHost(c *stacks.Cluster) string {
	if c.VIP.Enabled {
		return c.VIP.Address
	}
	return c.Primary().IP
}

// serviceURLs gives each service a URL with the user the seed connects with there.
func serviceURLs(c *stacks.Cluster, pw Passwords) pulumi.StringMapOutput {
	db := c.Database()
	urls := pulumi.StringMap{}
	for _, s := range c.AllServices() {
		user := c.ServiceUser(s.Name)
		if user == "" || user == "postgres" {
			continue
		}
		host := fmt.Sprintf("%s:%d", accessHost(c), s.Port)
		urls[s.Name] = pw[user].ApplyT(func(p string) string {
			return (&url.URL{Scheme: "postgres", User: url.UserPassword(user, p), Host: host, Path: "/" + db}).String()
		}).(pulumi.StringOutput)
	}
	return pulumi.ToSecret(urls.ToStringMapOutput()).(pulumi.StringMapOutput)
}
