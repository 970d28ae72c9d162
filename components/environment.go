package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
	"pgsvc/stacks"
)

// EnvironmentArgs are a validated spec and the SSH key that reaches its nodes.
type EnvironmentArgs struct {
	Spec       *stacks.Spec
	PrivateKey pulumi.StringInput
}

// Environment is what a stack's clusters share: the checked and prepared nodes, the etcd DCS
// with its root user, and dnsmasq on the infra nodes.
type Environment struct {
	pulumi.ResourceState
	Spec *stacks.Spec
	// Nodes are the prepared machines by every name they go by (infra node and instance).
	Nodes map[string]*Node
	// DCS are the etcd members; EtcdRoot is ready once etcd's root user is set.
	DCS      []pulumi.Resource
	EtcdRoot pulumi.Resource
	// EtcdRootPassword is etcd's root password (secret).
	EtcdRootPassword pulumi.StringOutput
	DNS              []*Dnsmasq
	// CA issues every node's certificate; TLS holds each node's certificate files by every
	// name the node goes by.
	CA  *CA
	TLS map[string]*NodeTLS
}

// NewEnvironment checks and prepares every node, then starts the DCS and DNS. Call TurnOnAuth
// once the clusters are registered.
func NewEnvironment(ctx *pulumi.Context, name string, args *EnvironmentArgs, opts ...pulumi.ResourceOption) (*Environment, error) {
	spec := args.Spec
	env := &Environment{Spec: spec}
	if err := ctx.RegisterComponentResource("pgsvc:index:Environment", name, env, opts...); err != nil {
		return nil, err
	}
	legacy := legacyAliases(ctx, spec, nil)
	nodes, err := newNodes(ctx, spec, args.PrivateKey, env, legacy)
	if err != nil {
		return nil, err
	}
	env.Nodes = nodes
	if env.CA, err = newCA(ctx, spec.TLS, env); err != nil {
		return nil, err
	}
	if env.TLS, err = newNodeTLS(ctx, spec, nodes, env.CA, env); err != nil {
		return nil, err
	}
	var previous *Etcd
	for _, m := range spec.Etcd.Members {
		e, err := NewEtcd(ctx, m+"-etcd", &EtcdArgs{Spec: spec, Node: nodes[m], Member: m, TLS: env.TLS[m], Previous: previous}, pulumi.Parent(env), legacy)
		if err != nil {
			return nil, err
		}
		env.DCS = append(env.DCS, e)
		previous = e
	}
	rootLegacy := legacyAliases(ctx, spec, func(c string) string { return c + "-password-" + render.SecretEtcdRoot })
	if env.EtcdRootPassword, err = newPassword(ctx, "etcd-root-password", "", env, rootLegacy); err != nil {
		return nil, err
	}
	if env.EtcdRoot, err = newEtcdRoot(ctx, spec, env.AuthNode(), env.EtcdRootPassword, env, env.DCS); err != nil {
		return nil, err
	}
	for _, n := range spec.Infra {
		d, err := NewDnsmasq(ctx, n.Name+"-dnsmasq", &DnsmasqArgs{Spec: spec, Node: nodes[n.Name], Infra: n.Name}, pulumi.Parent(env), legacy)
		if err != nil {
			return nil, err
		}
		env.DNS = append(env.DNS, d)
	}
	return env, nil
}

// newNodeTLS issues every machine its certificate; the result holds each under every name the
// machine goes by.
func newNodeTLS(ctx *pulumi.Context, spec *stacks.Spec, nodes map[string]*Node, ca *CA, parent pulumi.Resource) (map[string]*NodeTLS, error) {
	byIP := map[string]*NodeTLS{}
	for _, m := range spec.Machines() {
		t, err := NewNodeTLS(ctx, m.Name+"-tls", &NodeTLSArgs{Spec: spec, Machine: m, Node: nodes[m.Name], CA: ca}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		byIP[m.IP] = t
	}
	out := map[string]*NodeTLS{}
	for name, ip := range spec.NodeIPs() {
		out[name] = byIP[ip]
	}
	return out, nil
}

// AuthNode is the etcd member that etcd's users and authentication are managed through.
func (env *Environment) AuthNode() *Node {
	return env.Nodes[env.Spec.Etcd.Members[0]]
}

// TurnOnAuth turns on etcd's authentication after every DCS client in clients has its
// credentials, ends a move of etcd to TLS once they all speak it, and completes the environment.
func (env *Environment) TurnOnAuth(ctx *pulumi.Context, clients []pulumi.Resource) error {
	after := append([]pulumi.Resource{env.EtcdRoot}, clients...)
	auth, err := newEtcdAuth(ctx, env.Spec, env.AuthNode(), env.EtcdRootPassword, env, after)
	if err != nil {
		return err
	}
	// The move's restarts come after the auth scripts, which talk to the members.
	if err := newEtcdFinishMove(ctx, env, append(after, auth)); err != nil {
		return err
	}
	return ctx.RegisterResourceOutputs(env, pulumi.Map{})
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
	var plans []NodePlan
	for _, m := range spec.Machines() {
		plans = append(plans, NodePlan{Name: m.Name, IP: m.IP, Packages: render.NodePackages(spec, m), Member: m.Cluster != nil})
	}
	return plans
}

// newNodes checks every machine, then prepares each once, with the packages of all its roles.
// The result holds each machine under every name it goes by.
func newNodes(ctx *pulumi.Context, spec *stacks.Spec, key pulumi.StringInput, parent pulumi.Resource, legacy pulumi.ResourceOption) (map[string]*Node, error) {
	plans := NodePlans(spec)
	conns := make([]Conn, len(plans))
	for i, p := range plans {
		conns[i] = NewConn(p.Name, p.IP, spec.SSH.User, spec.SSH.Port, key)
	}
	checks, err := newPreflights(ctx, conns, parent, legacy)
	if err != nil {
		return nil, err
	}
	byIP := map[string]*Node{}
	for i, p := range plans {
		n, err := NewNode(ctx, p.Name, &NodeArgs{Conn: conns[i], Packages: p.Packages, Member: p.Member, After: checks}, pulumi.Parent(parent), legacy)
		if err != nil {
			return nil, err
		}
		byIP[p.IP] = n
	}
	nodes := map[string]*Node{}
	for name, ip := range spec.NodeIPs() {
		nodes[name] = byIP[ip]
	}
	return nodes, nil
}
