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

// PgClusterArgs are the environment a cluster runs in and the cluster's validated spec.
type PgClusterArgs struct {
	Env     *Environment
	Cluster *stacks.Cluster
}

// PgCluster is one PostgreSQL cluster: its members and their services, VIP, DNS records and
// its own etcd user.
type PgCluster struct {
	pulumi.ResourceState
	// ServiceURLs are connection URLs by service name (secret: they carry passwords).
	ServiceURLs pulumi.StringMapOutput
	// UserPasswords are the cluster users' passwords (secret).
	UserPasswords pulumi.StringMapOutput
	StatsURL      pulumi.StringOutput
	StatsAuth     pulumi.StringOutput
	// DCSClients are the cluster's Patroni members, which log in to etcd.
	DCSClients []pulumi.Resource
}

// NewPgCluster deploys a cluster into its environment.
func NewPgCluster(ctx *pulumi.Context, name string, args *PgClusterArgs, opts ...pulumi.ResourceOption) (*PgCluster, error) {
	pc := &PgCluster{}
	if err := ctx.RegisterComponentResource("pgsvc:index:PgCluster", name, pc, opts...); err != nil {
		return nil, err
	}
	env, c := args.Env, args.Cluster
	spec, nodes := env.Spec, env.Nodes
	pw, err := newPasswords(ctx, c, pc)
	if err != nil {
		return nil, err
	}
	etcdUser, err := newEtcdUser(ctx, spec, c, env.AuthNode(), env.EtcdRootPassword, pw[render.SecretEtcdCluster], pc, []pulumi.Resource{env.EtcdRoot})
	if err != nil {
		return nil, err
	}
	dcs := append(slices.Clone(env.DCS), etcdUser)

	// The initial primary bootstraps first; replicas clone from it.
	members := slices.Clone(c.Members)
	slices.SortStableFunc(members, func(a, b stacks.Member) int {
		return boolRank(b.Role == stacks.RolePrimary) - boolRank(a.Role == stacks.RolePrimary)
	})
	// A Patroni restart goes through the replicas first and the primary last, so that the
	// primary hands over at most once.
	patroniSecrets := pw.Pick(render.SecretSuperuser, render.SecretReplication, render.SecretPatroniAPI, render.SecretEtcdCluster)
	byMember := map[string]*Postgres{}
	var configAfter pulumi.Resource
	for i := len(members) - 1; i >= 0; i-- {
		m := members[i]
		member := c.MemberName(m)
		p, err := NewPostgres(ctx, member+"-postgres", &PostgresArgs{Spec: spec, Cluster: c, Node: nodes[member], Member: m, Secrets: patroniSecrets, ConfigAfter: configAfter}, pulumi.Parent(pc))
		if err != nil {
			return nil, err
		}
		byMember[member] = p
		configAfter = p.Config
	}
	var postgres []pulumi.Resource
	var primary pulumi.Resource
	for _, m := range members {
		member := c.MemberName(m)
		after := append(slices.Clone(dcs), env.TLS[member])
		if primary != nil {
			after = append(after, primary)
		}
		p := byMember[member]
		if err := p.Start(ctx, after); err != nil {
			return nil, err
		}
		if primary == nil {
			primary = p
		}
		postgres = append(postgres, p)
		pc.DCSClients = append(pc.DCSClients, p)
		if _, err := NewPgBouncer(ctx, member+"-pgbouncer", &PgBouncerArgs{Cluster: c, Member: m, Node: nodes[member], Secrets: pw.Pick(userNames(c)...), After: []pulumi.Resource{p, env.TLS[member]}}, pulumi.Parent(pc)); err != nil {
			return nil, err
		}
		if _, err := NewHAProxy(ctx, member+"-haproxy", &HAProxyArgs{Cluster: c, Member: m, Node: nodes[member], Secrets: pw.Pick(render.SecretHAProxy), TLS: env.TLS[member], Patroni: configAfter}, pulumi.Parent(pc)); err != nil {
			return nil, err
		}
		if c.VIP.Enabled {
			if _, err := NewVipManager(ctx, member+"-vip-manager", &VipManagerArgs{Cluster: c, Node: nodes[member], Member: m, After: []pulumi.Resource{p}}, pulumi.Parent(pc)); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range c.Members {
		member := c.MemberName(m)
		if err := newRoles(ctx, member, c, nodes[member], pw, pc, postgres); err != nil {
			return nil, err
		}
		if err := newDynamicConfig(ctx, member, c, nodes[member], pc, postgres); err != nil {
			return nil, err
		}
	}
	if err := dnsRecords(ctx, c, env.DNS, pc); err != nil {
		return nil, err
	}

	pc.ServiceURLs = serviceURLs(c, pw)
	pc.UserPasswords = pw.Pick(userNames(c)...)
	scheme := "http"
	if c.WebTLS() {
		scheme = "https"
	}
	pc.StatsURL = pulumi.Sprintf("%s://%s:%d/", scheme, accessHost(c), c.Ports.HAProxyStats)
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
