package check

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"pgsvc/stacks"
)

// Route is one connection to make and where it may land.
type Route struct {
	Target
	// Client is the client implementation that connects (ClientPgx or ClientLibpq).
	Client string
	// What the port is: a service name, or postgres / pgbouncer for direct ports.
	What string
	// Allowed are the members the connection may land on.
	Allowed []string
	Landing Landing
}

// OK reports whether the connection landed where it should; when no member may serve it now
// (the offline service of a one-node cluster), the right answer is a refusal.
func (r Route) OK() bool {
	if len(r.Allowed) == 0 {
		return r.Landing.Err != nil
	}
	return r.Landing.Err == nil && slices.Contains(r.Allowed, r.Landing.Member)
}

// Credentials holds each user's password.
type Credentials map[string]string

// HostForm is one way of naming a host, and the member it means (empty for "the leader").
type HostForm struct {
	Host   string
	Member string
}

// HostForms are the seed's ways of reaching the cluster: cluster name (with DNS), VIP, and each
// instance by name (with DNS) and by IP.
func HostForms(c *stacks.Cluster, withDNS bool) []HostForm {
	var forms []HostForm
	if withDNS && c.DNS.Target != stacks.DNSNone {
		forms = append(forms, HostForm{Host: c.Name + c.DNS.Suffix})
	}
	if c.VIP.Enabled {
		forms = append(forms, HostForm{Host: c.VIP.Address})
	}
	for _, m := range c.Members {
		if withDNS {
			forms = append(forms, HostForm{Host: c.MemberName(m) + c.DNS.Suffix, Member: c.MemberName(m)})
		}
		forms = append(forms, HostForm{Host: m.IP, Member: c.MemberName(m)})
	}
	return forms
}

// Plan lists every host form times every port, and the seed's multi-host URLs to every
// member's PgBouncer with each target_session_attrs, with the seed's user, each through both
// clients, and where each may land given the live state.
func Plan(c *stacks.Cluster, st State, forms []HostForm, creds Credentials) []Route {
	db := c.Database()
	var routes []Route
	route := func(t Target, what string, allowed []string) {
		t.User = c.ServiceUser(what)
		t.Password, t.Database = creds[t.User], db
		for _, client := range []string{ClientPgx, ClientLibpq} {
			routes = append(routes, Route{Target: t, Client: client, What: what, Allowed: allowed})
		}
	}
	add := func(f HostForm, port int, what string, allowed []string) {
		route(Target{Host: f.Host, Port: port}, what, allowed)
	}
	for _, f := range forms {
		direct := []string{f.Member}
		switch {
		case f.Member == "":
			direct = []string{st.Leader()}
		case !st.Status["/health"][f.Member]:
			direct = nil // its PostgreSQL is down: refusing is right
		}
		add(f, c.Ports.Postgres, "postgres", direct)
		add(f, c.Ports.PgBouncer, "pgbouncer", direct)
		for _, s := range c.AllServices() {
			add(f, s.Port, s.Name, Expected(c, s, st))
		}
	}
	if len(c.Members) > 1 {
		for _, attrs := range []string{"primary", "read-write", "read-only", "prefer-standby"} {
			route(Target{Host: MultiHost(c), Port: c.Ports.PgBouncer, Attrs: attrs}, "pgbouncer", SessionAttrsExpected(attrs, st))
		}
	}
	return routes
}

// MultiHost is the host list of the seed's multi-host URL: every member's address, in seq order.
func MultiHost(c *stacks.Cluster) string {
	var hosts []string
	for _, m := range c.Members {
		hosts = append(hosts, m.IP)
	}
	return strings.Join(hosts, ",")
}

// SessionAttrsExpected are the members a multi-host connection with target_session_attrs attrs
// may land on: the leader for primary and read-write; a running standby for read-only, and for
// prefer-standby too while there is one.
func SessionAttrsExpected(attrs string, st State) []string {
	leader := st.Leader()
	var standbys []string
	for m, ok := range st.Status["/health"] {
		if ok && m != leader {
			standbys = append(standbys, m)
		}
	}
	slices.Sort(standbys)
	switch {
	case attrs == "primary" || attrs == "read-write":
		return []string{leader}
	case attrs == "prefer-standby" && len(standbys) == 0:
		return []string{leader}
	}
	return standbys
}

// Run connects every route, a few at a time.
func Run(ctx context.Context, routes []Route, resolver *net.Resolver) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range routes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			routes[i].Landing = Probe(ctx, routes[i].Client, routes[i].Target, resolver)
		}()
	}
	wg.Wait()
}

// Report writes a table of routes and returns how many went wrong.
func Report(w io.Writer, routes []Route) int {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tPORT\tSERVICE\tATTRS\tCLIENT\tUSER\tLANDED ON\tRECOVERY\tALLOWED\tRESULT")
	bad := 0
	for _, r := range routes {
		landed, result := r.Landing.Member, "ok"
		if r.Landing.Err != nil {
			landed = "error: " + firstLine(r.Landing.Err.Error())
		}
		if !r.OK() {
			result, bad = "WRONG", bad+1
		}
		attrs := r.Attrs
		if attrs == "" {
			attrs = "-"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%v\t%s\t%s\n", r.Host, r.Port, r.What, attrs, r.Client, r.User, landed, r.Landing.InRecovery, strings.Join(r.Allowed, ","), result)
	}
	tw.Flush()
	return bad
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
