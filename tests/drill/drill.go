// Package drill runs failure drills on the deployed dev stack: it reads Patroni's live state,
// switches and kills leaders, and measures what clients see. The HA tests and the benchmarks
// share it.
package drill

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/render"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

// cluster is the deployed dev stack as the tests see it.
type Cluster struct {
	Stack *cli.Stack
	Spec  *stacks.Spec
	// C is the cluster the drills run on.
	C     *stacks.Cluster
	Creds check.Credentials
	// REST reads Patroni's REST API, trusting the stack's CA.
	REST *http.Client
}

// Setup is SetupCluster for the dev stack's pg-test.
func Setup(t *testing.T) *Cluster {
	t.Helper()
	return SetupCluster(t, cli.TestCluster)
}

// SetupCluster reads the deployed dev stack's cluster named name, heals what an earlier drill
// may have left broken, and puts its configured primary in the lead, now and again after the
// test.
func SetupCluster(t *testing.T, name string) *Cluster {
	t.Helper()
	s := cli.DevStack(t)
	var outs struct {
		UserPasswords check.Credentials `json:"userPasswords"`
	}
	s.ClusterOutputs(t, name, &outs)
	spec := s.Spec(t)
	c := &Cluster{Stack: s, Spec: spec, C: spec.Find(name), Creds: outs.UserPasswords, REST: s.HTTPClient(t)}
	c.Heal(t)
	c.RestoreLeader(t)
	// Registered first, so it runs last: after any config edit of the test is reverted (a
	// synchronous cluster takes a switchover only to its synchronous standby).
	t.Cleanup(func() { c.RestoreLeader(t) })
	return c
}

func (c *Cluster) State() check.State {
	return check.ReadState(context.Background(), c.C, c.REST)
}

func (c *Cluster) Leader() string { return c.State().Leader() }

func (c *Cluster) IP(member string) string {
	for _, m := range c.C.Members {
		if c.C.MemberName(m) == member {
			return m.IP
		}
	}
	panic("no member " + member)
}

// Target is the seed's user on the cluster's first database (test on pg-test) through host:port.
func (c *Cluster) Target(host string, port int) check.Target {
	user := c.C.ServiceUser("primary")
	return check.Target{Host: host, Port: port, User: user, Password: c.Creds[user], Database: c.C.Database()}
}

// MultiHost is the seed's multi-host URL over every member's PgBouncer, asking for attrs
// (target_session_attrs).
func (c *Cluster) MultiHost(attrs string) check.Target {
	t := c.Target(check.MultiHost(c.C), c.C.Ports.PgBouncer)
	t.Attrs = attrs
	return t
}

// PooledPatience is how long a pooled application's client waits for one attempt in the
// drills: a role change is to cost it latency, so it waits longer than one takes (drivers wait
// without limit by default).
const PooledPatience = 10 * time.Second

// landsOn probes host:port and returns the member it reached ("" on error).
func (c *Cluster) LandsOn(host string, port int) string {
	return check.Probe(context.Background(), check.ClientPgx, c.Target(host, port), nil).Member
}

// eventually polls cond every 500ms until it holds, failing after timeout.
func Eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(500 * time.Millisecond)
	}
	return time.Since(start)
}

// Patronictl runs patronictl as postgres on a member.
func (c *Cluster) Patronictl(t *testing.T, member, args string) {
	t.Helper()
	if _, err := lab.SSH(c.IP(member), lab.Patronictl+" "+args); err != nil {
		t.Fatal(err)
	}
}

// systemctl runs systemctl on members.
func (c *Cluster) Systemctl(t *testing.T, action string, members ...string) {
	t.Helper()
	for _, m := range members {
		if _, err := lab.SSH(c.IP(m), "systemctl "+action+" patroni"); err != nil {
			t.Fatal(err)
		}
	}
}

// restoreLeader switches leadership back to the configured primary, so that every test starts
// from the deployed topology.
func (c *Cluster) RestoreLeader(t *testing.T) {
	t.Helper()
	want := c.C.MemberName(c.C.Primary())
	c.Settle(t)
	if l := c.Leader(); l != want {
		c.Patronictl(t, l, fmt.Sprintf("switchover --leader %s --candidate %s --force", l, want))
		Eventually(t, time.Minute, want+" leads again", func() bool { return c.Leader() == want })
	}
	c.Settle(t)
}

// settle waits until every member is healthy, the primary service reaches the leader from
// every member's HAProxy, and no member's PgBouncer holds clients after a role change.
func (c *Cluster) Settle(t *testing.T) {
	t.Helper()
	Eventually(t, 2*time.Minute, "a settled cluster", func() bool {
		st := c.State()
		leader := st.Leader()
		if leader == "" || len(Passing(st.Status["/health"])) != len(c.C.Members) {
			return false
		}
		for _, m := range c.C.Members {
			if c.LandsOn(m.IP, lab.Ports.Primary) != leader {
				return false
			}
			if _, err := lab.SSH(m.IP, "test ! -e "+render.PgBouncerPausedMarker); err != nil {
				return false
			}
		}
		return true
	})
}

// DeployWith applies an edit of the cluster's config, and puts the committed config back after
// the test.
func (c *Cluster) DeployWith(t *testing.T, edit func(cluster map[string]any)) {
	t.Helper()
	edited := c.Stack.WithConfig(t, func(cfg map[string]any) { edit(cli.ClusterConfig(cfg, c.C.Name)) })
	t.Cleanup(func() {
		c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	})
	edited.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
}

func Passing(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// otherThan picks a member that is none of the given ones.
func (c *Cluster) OtherThan(not ...string) string {
	for _, m := range c.C.Members {
		if name := c.C.MemberName(m); !slices.Contains(not, name) {
			return name
		}
	}
	panic("no other member")
}

// WriteThrough runs the outage write loop through target while during runs, and for settle
// afterwards, and returns what it saw. Each attempt waits up to patience.
func WriteThrough(t *testing.T, target check.Target, patience, settle time.Duration, during func()) outage.Result {
	t.Helper()
	res := beside(t, target, 2*time.Second, settle, 5*time.Minute, func(ctx context.Context) outage.Result {
		return outage.Loop(ctx, target, 50*time.Millisecond, 1, patience)
	}, during)
	if len(res.Acked) == 0 {
		t.Fatal("no write was acknowledged")
	}
	return res
}

// NewSessions opens a new client session through target every 100 ms while during runs (up to
// 20 minutes), each writing one row, and returns what they saw.
func NewSessions(t *testing.T, target check.Target, during func()) outage.Sessions {
	t.Helper()
	res := beside(t, target, 0, 0, 20*time.Minute, func(ctx context.Context) outage.Sessions {
		return outage.NewSessions(ctx, target, 100*time.Millisecond)
	}, during)
	if res.OK == 0 {
		t.Fatalf("no session through %s:%d succeeded", target.Host, target.Port)
	}
	return res
}

// beside prepares the probe table through target, then runs loop from lead before during until
// settle after it, all within limit, and returns what loop saw.
func beside[R any](t *testing.T, target check.Target, lead, settle, limit time.Duration, loop func(context.Context) R, during func()) R {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := outage.Prepare(ctx, target); err != nil {
		t.Fatal(err)
	}
	loopCtx, stop := context.WithCancel(ctx)
	done := make(chan R)
	go func() { done <- loop(loopCtx) }()
	time.Sleep(lead)
	during()
	time.Sleep(settle)
	stop()
	return <-done
}

// CheckRoutes runs the full routing matrix against the live state. After a role change,
// HAProxy's health checks take a few intervals to follow: the matrix gets 30 s to come right.
func (c *Cluster) CheckRoutes(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cl := c.C
	var report strings.Builder
	start := time.Now()
	for {
		routes := check.Plan(cl, check.ReadState(ctx, cl, c.REST), check.HostForms(cl, true), c.Creds)
		check.Run(ctx, routes, check.Resolver(c.Spec.Infra[0].IP))
		report.Reset()
		bad := check.Report(&report, routes)
		if bad == 0 {
			t.Logf("every route right after %.1fs", time.Since(start).Seconds())
			return
		}
		if time.Since(start) > 30*time.Second {
			t.Errorf("%d wrong routes after %.0fs:\n%s", bad, time.Since(start).Seconds(), report.String())
			return
		}
		time.Sleep(time.Second)
	}
}

// UnderPatroni waits until every member's PostgreSQL runs under its Patroni again.
func (c *Cluster) UnderPatroni(t *testing.T, timeout time.Duration) {
	t.Helper()
	var last []check.Member
	start := time.Now()
	for {
		last = check.ReadMembers(context.Background(), c.C, c.REST)
		ok := true
		for _, m := range last {
			ok = ok && m.State == "running" && m.Serves
		}
		if ok {
			return
		}
		if time.Since(start) > timeout {
			t.Fatalf("members not running under Patroni after %s: %v", timeout, last)
		}
		time.Sleep(time.Second)
	}
}

// Partition cuts member's node off from every other node of the environment with blackhole
// routes inside the nodes (the host still reaches every node), and returns what heals it.
func (c *Cluster) Partition(t *testing.T, member string) (heal func()) {
	t.Helper()
	ip := c.IP(member)
	var others []string
	for _, m := range c.Spec.Machines() {
		if m.IP != ip {
			others = append(others, m.IP)
		}
	}
	routes := func(verb string) error {
		for _, o := range others {
			if _, err := lab.SSH(ip, fmt.Sprintf("ip route %s blackhole %s/32", verb, o)); err != nil {
				return err
			}
			if _, err := lab.SSH(o, fmt.Sprintf("ip route %s blackhole %s/32", verb, ip)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := routes("replace"); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := routes("del"); err != nil {
			t.Error(err)
		}
	}
}

// Heal undoes what a drill that was stopped may have left broken: blackhole routes on the
// environment's nodes, and stopped etcd members or Patroni daemons.
func (c *Cluster) Heal(t *testing.T) {
	t.Helper()
	etcd := map[string]bool{}
	for _, m := range c.Spec.Etcd.Members {
		etcd[m] = true
	}
	for _, m := range c.Spec.Machines() {
		cmd := "ip route flush type blackhole"
		if etcd[m.Name] {
			cmd += " && systemctl start etcd"
		}
		if _, err := lab.SSH(m.IP, cmd); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range c.C.Members {
		if _, err := lab.SSH(m.IP, "systemctl start patroni"); err != nil {
			t.Fatal(err)
		}
	}
}

// SilenceBound is how long a client may wait for an answer, an error or a closed connection,
// counted from when the cluster serves again after a fault (from the statement's start when it
// began later).
const SilenceBound = 10 * time.Second

// PlainDrill runs plain clients (outage.PlainLoop) beside a fault: they start 3 s before fault
// runs, and once ready holds (polled for up to 3 minutes after fault returns; served is then),
// run on for SilenceBound and 2 s more, so that every statement still waiting ends or shows
// as silent.
func PlainDrill(t *testing.T, clients []outage.PlainClient, resolver *net.Resolver, fault func(), ready func() bool) (results []outage.PlainResult, served time.Time) {
	t.Helper()
	ctx, stop := context.WithTimeout(context.Background(), 10*time.Minute)
	defer stop()
	done := make(chan []outage.PlainResult)
	go func() { done <- outage.RunPlain(ctx, clients, resolver) }()
	defer func() {
		if results == nil { // a failed wait ends the test: the clients end with it
			stop()
			<-done
		}
	}()
	time.Sleep(3 * time.Second)
	fault()
	Eventually(t, 3*time.Minute, "the cluster serving again", ready)
	served = time.Now()
	time.Sleep(SilenceBound + 2*time.Second)
	stop()
	return <-done, served
}
