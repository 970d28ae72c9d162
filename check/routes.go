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

// Plan lists every host form times every port, with the seed's user, and where each may land
// given the live state.
func Plan(c *stacks.Cluster, st State, forms []HostForm, creds Credentials) []Route {
	db := c.Database()
	var routes []Route
	add := func(f HostForm, port int, what string, allowed []string) {
		user := c.ServiceUser(what)
		routes = append(routes, Route{Target: Target{Host: f.Host, Port: port, User: user, Password: creds[user], Database: db}, What: what, Allowed: allowed})
	}
	for _, f := range forms {
		direct := []string{f.Member}
		if f.Member == "" {
			direct = []string{st.Leader()}
		}
		add(f, c.Ports.Postgres, "postgres", direct)
		add(f, c.Ports.PgBouncer, "pgbouncer", direct)
		for _, s := range c.AllServices() {
			add(f, s.Port, s.Name, Expected(c, s, st))
		}
	}
	return routes
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
			routes[i].Landing = Probe(ctx, routes[i].Target, resolver)
		}()
	}
	wg.Wait()
}

// Report writes a table of routes and returns how many went wrong.
func Report(w io.Writer, routes []Route) int {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tPORT\tSERVICE\tUSER\tLANDED ON\tRECOVERY\tALLOWED\tRESULT")
	bad := 0
	for _, r := range routes {
		landed, result := r.Landing.Member, "ok"
		if r.Landing.Err != nil {
			landed = "error: " + firstLine(r.Landing.Err.Error())
		}
		if !r.OK() {
			result, bad = "WRONG", bad+1
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%v\t%s\t%s\n", r.Host, r.Port, r.What, r.User, landed, r.Landing.InRecovery, strings.Join(r.Allowed, ","), result)
	}
	tw.Flush()
	return bad
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
