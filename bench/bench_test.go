package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgsvc/components"
	"pgsvc/render"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

// TestBench runs every benchmark and writes RESULTS.md. It runs only under make bench. Every
// section but scale measures the lab's dev stack.
func TestBench(t *testing.T) {
	if os.Getenv("PGSVC_BENCH") != "1" {
		t.Skip("benchmarks run with make bench (PGSVC_BENCH=1), after make up")
	}
	r := &Report{Started: time.Now(), Facts: machineFacts()}
	write := func() {
		if len(only) > 0 {
			if earlier, err := os.ReadFile("RESULTS.md"); err == nil {
				r.keepEarlier(string(earlier))
			}
		}
		if err := os.WriteFile("RESULTS.md", []byte(r.Markdown()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	defer write()
	sections := []labSection{{"noop", benchNoop}, {"edit", benchEdit}, {"datapath", benchDataPath}, {"outage", benchOutage}, {"rotation", benchRotation}}
	if measures("deploy") || slices.ContainsFunc(sections, func(s labSection) bool { return measures(s.name) }) {
		s := cli.DevStack(t)
		spec := s.Spec(t)
		r.Facts = append(r.Facts, labFacts(nodeVersions(t, spec))...)
		if measures("deploy") {
			benchDeploy(t, r, s, spec)
		}
		c := drill.Setup(t)
		for _, section := range sections {
			if measures(section.name) {
				section.run(t, r, c)
			}
		}
	}
	if measures("scale") {
		benchScale(t, r)
	}
}

// labSection is a section measured on the dev stack's test cluster.
type labSection struct {
	name string
	run  func(*testing.T, *Report, *drill.Cluster)
}

func seconds(d time.Duration) float64 { return d.Seconds() }

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

func nodeVersions(t *testing.T, spec *stacks.Spec) string {
	out, err := lab.SSH(spec.Find(cli.TestCluster).Members[0].IP, `dpkg-query -W -f '${Package} ${Version}, ' postgresql-15 patroni pgbouncer haproxy nftables etcd-server 2>/dev/null`)
	if err != nil {
		t.Logf("node package versions: %v", err)
	}
	return strings.TrimSuffix(strings.TrimSpace(out), ",")
}

// benchDeploy compares a full deploy on fresh nodes with the apt floor: the same packages
// installed on the same fresh nodes through the same warm cache, nothing configured.
func benchDeploy(t *testing.T, r *Report, s *cli.Stack, spec *stacks.Spec) {
	plans := components.NodePlans(spec)
	floor := Figure{Name: "apt floor (install only, fresh nodes)", Unit: "s"}
	deploy := Figure{Name: "full deploy on fresh nodes", Unit: "s"}
	ratio := Figure{Name: "full deploy / apt floor", Unit: "x", Goal: "<= 1.5x", Pass: func(m float64) bool { return m <= 1.5 }}
	for i := 0; i < reps; i++ {
		lab.Run(t, "reset")
		f := timed(func() {
			var wg sync.WaitGroup
			errs := make(chan error, len(plans))
			for _, p := range plans {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := lab.SSH(p.IP, render.Install(p.Packages)); err != nil {
						errs <- fmt.Errorf("%s: %w", p.Name, err)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		})
		lab.Run(t, "reset")
		s.MustRun(t, time.Minute, "stack", "rm", "--force", "--yes", "--preserve-config")
		s.MustRun(t, time.Minute, "stack", "init", s.Name)
		d := timed(func() { s.MustRun(t, 20*time.Minute, "up", "--yes", "--skip-preview") })
		floor.Samples = append(floor.Samples, seconds(f))
		deploy.Samples = append(deploy.Samples, seconds(d))
		ratio.Samples = append(ratio.Samples, seconds(d)/seconds(f))
		t.Logf("deploy %.1fs, apt floor %.1fs", seconds(d), seconds(f))
	}
	ratio.Note = "each repetition pairs a floor and a deploy on freshly reset nodes; the deploy includes building the program"
	r.add(floor)
	r.add(deploy)
	r.add(ratio)
}

func benchNoop(t *testing.T, r *Report, c *drill.Cluster) {
	secs := Figure{Name: "no-op pulumi up", Unit: "s", Goal: "<= 5 s", Pass: func(m float64) bool { return m <= 5 }}
	cmds := Figure{Name: "remote commands run by a no-op up", Unit: "", Goal: "0", Pass: func(m float64) bool { return m == 0 }}
	for i := 0; i < reps; i++ {
		cmds.Samples = append(cmds.Samples, float64(len(c.Stack.Changes(t))))
		d := timed(func() { c.Stack.MustRun(t, 5*time.Minute, "up", "--yes", "--skip-preview") })
		secs.Samples = append(secs.Samples, seconds(d))
	}
	cmds.Note = "counted from the engine's plan (preview --json): resources to create, update, replace or delete"
	r.add(secs)
	r.add(cmds)
}

var haproxyFile = regexp.MustCompile(`^pg-test-\d-haproxy-[a-z-]+-cfg$`)

func benchEdit(t *testing.T, r *Report, c *drill.Cluster) {
	secs := Figure{Name: "config edit (one service's maxconn) converged", Unit: "s", Goal: "<= 10 s", Pass: func(m float64) bool { return m <= 10 }}
	touched := Figure{Name: "resources touched by that edit", Unit: "", Goal: "HAProxy files only", Pass: func(float64) bool { return true }}
	onlyHAProxy := true
	for i := 0; i <= reps; i++ {
		edited := c.Stack.WithConfig(t, func(cfg map[string]any) {
			cli.ClusterConfig(cfg, cli.TestCluster)["services"] = []any{map[string]any{"name": "bench", "port": 5441, "maxconn": 3000 + i}}
		})
		if i == 0 {
			edited.MustRun(t, 5*time.Minute, "up", "--yes", "--skip-preview") // the service exists before the timed edits
			continue
		}
		changes := edited.Changes(t)
		for name := range changes {
			onlyHAProxy = onlyHAProxy && haproxyFile.MatchString(name)
		}
		touched.Samples = append(touched.Samples, float64(len(changes)))
		d := timed(func() { edited.MustRun(t, 5*time.Minute, "up", "--yes", "--skip-preview") })
		secs.Samples = append(secs.Samples, seconds(d))
	}
	if !onlyHAProxy {
		touched.Pass = func(float64) bool { return false }
	}
	touched.Note = "the service's file on each of the three members, replaced and reloaded"
	c.Stack.MustRun(t, 5*time.Minute, "up", "--yes", "--skip-preview")
	r.add(secs)
	r.add(touched)
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+)`)

// pgbench runs pgbench through host:port as the test user with sslmode and returns its output.
func pgbench(t *testing.T, c *drill.Cluster, host string, port int, sslmode string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "pgbench", append([]string{"-h", host, "-p", strconv.Itoa(port), "-U", "test"}, append(args, "test")...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+c.Creds["test"], "PGSSLMODE="+sslmode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pgbench %v: %v\n%s", args, err, out)
	}
	return out
}

// tps runs a pgbench benchmark and returns its transactions per second.
func tps(t *testing.T, c *drill.Cluster, host string, port int, sslmode string, args ...string) float64 {
	t.Helper()
	out := pgbench(t, c, host, port, sslmode, args...)
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("pgbench printed no tps:\n%s", out)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

func benchDataPath(t *testing.T, r *Report, c *drill.Cluster) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		t.Fatal("pgbench is not installed (make bench installs postgresql-15 for it)")
	}
	primary := c.IP(c.Leader())
	pgbench(t, c, primary, lab.Ports.Default, "disable", "-i", "-q", "-s", "10")
	paths := []struct {
		port int
		name string
	}{{lab.Ports.Postgres, "direct postgres 5432"}, {lab.Ports.Primary, "primary service 5433"}, {lab.Ports.PgBouncer, "pgbouncer 6432"}, {lab.Ports.Default, "default service 5436"}}
	modes := []struct {
		name, sslmode string
		args          []string
	}{
		{"select-only", "disable", nil},
		{"select-only, new connection per transaction (-C)", "disable", []string{"-C"}},
		{"select-only, TLS", "require", nil},
		{"select-only, new connection per transaction (-C), TLS", "require", []string{"-C"}},
	}
	for _, mode := range modes {
		figures := map[int]*Figure{}
		for _, p := range paths {
			figures[p.port] = &Figure{Name: fmt.Sprintf("TPS %s, %s", mode.name, p.name), Unit: "tps"}
		}
		ratio := Figure{Name: fmt.Sprintf("TPS ratio 5433 / 5432, %s", mode.name), Unit: "x"}
		switch {
		case mode.sslmode != "disable":
		case mode.args == nil:
			ratio.Goal, ratio.Pass = ">= 0.6x", func(m float64) bool { return m >= 0.6 }
		default:
			ratio.Goal, ratio.Pass = ">= 2x", func(m float64) bool { return m >= 2 }
		}
		for i := 0; i < reps; i++ {
			got := map[int]float64{}
			for _, p := range paths {
				got[p.port] = tps(t, c, primary, p.port, mode.sslmode, append([]string{"-n", "-S", "-T", "8", "-c", "8", "-j", "2"}, mode.args...)...)
				figures[p.port].Samples = append(figures[p.port].Samples, got[p.port])
			}
			ratio.Samples = append(ratio.Samples, got[lab.Ports.Primary]/got[lab.Ports.Postgres])
		}
		ratio.Note = "paths paired within each repetition, median of the paired ratios; pgbench on the host against the primary's address, 8 clients, 8 s per run, SCRAM auth everywhere; TLS (sslmode=require, ECDSA P-256) from pgbench to PostgreSQL or PgBouncer, or none; PgBouncer reaches PostgreSQL over its unix socket"
		for _, p := range paths {
			r.add(*figures[p.port])
		}
		r.add(ratio)
	}
}

func benchOutage(t *testing.T, r *Report, c *drill.Cluster) {
	for _, plan := range []string{"norm", "fast"} {
		label := plan
		if plan == "norm" {
			label = "norm (default)"
		} else {
			c.DeployWith(t, func(cl map[string]any) { cl["rto"] = plan })
		}
		sw := Figure{Name: "write outage on switchover, " + label, Unit: "s"}
		kill := Figure{Name: "write outage on hard kill of the primary's node, " + label, Unit: "s"}
		if plan == "norm" {
			sw.Goal, sw.Pass = "<= 3 s", func(m float64) bool { return m <= 3 }
			kill.Goal, kill.Pass = "<= 20 s", func(m float64) bool { return m <= 20 }
		}
		for i := 0; i < reps; i++ {
			old := c.Leader()
			candidate := c.OtherThan(old, "pg-test-3")
			res := drill.WriteThrough(t, c.Target(c.IP("pg-test-3"), lab.Ports.Primary), time.Second, 3*time.Second, func() {
				c.Patronictl(t, old, fmt.Sprintf("switchover --leader %s --candidate %s --force", old, candidate))
				drill.Eventually(t, time.Minute, candidate+" leads", func() bool { return c.Leader() == candidate })
			})
			sw.Samples = append(sw.Samples, seconds(res.MaxGap))
			c.RestoreLeader(t)
		}
		if plan == "norm" {
			benchSwitchoverClients(t, r, c)
		}
		for i := 0; i < reps; i++ {
			old := c.Leader()
			res := drill.WriteThrough(t, c.Target(c.IP("pg-test-3"), lab.Ports.Primary), time.Second, 3*time.Second, func() {
				lab.Run(t, "kill", old)
				drill.Eventually(t, 2*time.Minute, "a new leader", func() bool { l := c.Leader(); return l != "" && l != old })
			})
			kill.Samples = append(kill.Samples, seconds(res.MaxGap))
			lab.Run(t, "start", old)
			drill.Eventually(t, 3*time.Minute, old+" back", func() bool { return c.State().Status["/health"][old] })
			c.RestoreLeader(t)
		}
		kill.Note = "SIGKILL of the whole node (lab kill); measured through 5433 on pg-test-3 by a write every 50 ms; the outage is the longest gap between acknowledged writes"
		r.add(sw)
		r.add(kill)
	}
	c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
}

// benchSwitchoverClients measures what plain clients see of a planned switchover and of a hard
// kill of the primary's node: one short write transaction every 50 ms, reconnecting after any
// error, with no statement or connect timeout and the system's TCP keepalive, through the VIP's
// primary service, through 5433 on pg-test-3 (an address that never moves), and through the
// seed's multi-host URL to every member's PgBouncer with target_session_attrs=read-write.
func benchSwitchoverClients(t *testing.T, r *Report, c *drill.Cluster) {
	paths := []outage.PlainClient{
		{Name: "VIP 5433", Target: c.Target(c.C.VIP.Address, lab.Ports.Primary), Write: true},
		{Name: "primary service 5433 on pg-test-3", Target: c.Target(c.IP("pg-test-3"), lab.Ports.Primary), Write: true},
		{Name: "multi-host 6432 URL, target_session_attrs=read-write", Target: c.MultiHost("read-write"), Write: true},
	}
	for _, event := range []struct {
		name  string
		fault func(old string) (repair func())
		paths []outage.PlainClient
	}{
		{"switchover", func(old string) func() {
			c.Patronictl(t, old, fmt.Sprintf("switchover --leader %s --candidate %s --force", old, c.OtherThan(old, "pg-test-3")))
			return func() {}
		}, paths},
		// The multi-host URL's connection is to the killed node itself: only its client's TCP
		// stack can end that wait.
		{"hard kill of the primary's node", func(old string) func() {
			lab.Run(t, "kill", old)
			return func() { lab.Run(t, "start", old) }
		}, paths[:2]},
	} {
		errs := make([]Figure, len(event.paths))
		waits := make([]Figure, len(event.paths))
		for i, p := range event.paths {
			errs[i] = Figure{Name: fmt.Sprintf("client-visible errors on %s, %s", event.name, p.Name), Unit: "errors"}
			waits[i] = Figure{Name: fmt.Sprintf("longest wait of one statement on %s, %s", event.name, p.Name), Unit: "s",
				Goal: "<= 10 s past the new leader", Pass: func(m float64) bool { return m <= 10 }}
		}
		for i := 0; i < reps; i++ {
			if err := outage.Prepare(context.Background(), c.Target(c.IP(c.Leader()), lab.Ports.Postgres)); err != nil {
				t.Fatal(err)
			}
			old := c.Leader()
			repair := func() {}
			res, served := drill.PlainDrill(t, event.paths, nil, func() { repair = event.fault(old) },
				func() bool { l := c.Leader(); return l != "" && l != old })
			repair()
			for j, p := range res {
				errs[j].Samples = append(errs[j].Samples, float64(p.Failed))
				waits[j].Samples = append(waits[j].Samples, seconds(p.LongestWaitPast(served)))
			}
			c.UnderPatroni(t, 3*time.Minute)
			c.RestoreLeader(t)
		}
		for i := range event.paths {
			errs[i].Note = "one insert every 50 ms in its own transaction, no statement or connect timeout, the system's TCP keepalive; a failed statement counts once and the client reconnects"
			waits[i].Note = "the longest a statement waited for its answer or error, counted from when the new leader served (from the statement's start if later)"
			if event.name == "switchover" {
				errs[i].Goal, errs[i].Pass = "<= 1 (latency, not errors, where no hang is traded)", func(m float64) bool { return m <= 1 }
			}
			r.add(errs[i])
			r.add(waits[i])
		}
	}
}

// benchRotation measures what a client sees of a certificate rotation (a new pgsvc:tls.rotation
// label): one write every 50 ms through the VIP's primary service with sslmode=verify-full.
func benchRotation(t *testing.T, r *Report, c *drill.Cluster) {
	errs := Figure{Name: "client-visible errors on TLS certificate rotation", Unit: "errors", Goal: "0", Pass: func(m float64) bool { return m == 0 }}
	gap := Figure{Name: "longest gap between writes on TLS certificate rotation", Unit: "s"}
	target := c.Target(c.C.VIP.Address, lab.Ports.Primary)
	target.SSLMode, target.RootCert = "verify-full", c.Stack.CAFile(t)
	for i := 0; i < reps; i++ {
		rotated := c.Stack.WithConfig(t, func(cfg map[string]any) {
			cfg[stacks.KeyTLS] = map[string]any{"rotation": fmt.Sprintf("bench-%d", i)}
		})
		res := drill.WriteThrough(t, target, time.Second, time.Second, func() {
			rotated.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
		})
		errs.Samples = append(errs.Samples, float64(res.Failed))
		gap.Samples = append(gap.Samples, seconds(res.MaxGap))
	}
	errs.Note = "every node gets a new key and certificate; PostgreSQL, PgBouncer, Patroni and HAProxy reload them and etcd reads them at its next handshake (no daemon restarts); one insert every 50 ms through the VIP's 5433 with sslmode=verify-full, 1 s per attempt"
	c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	r.add(errs)
	r.add(gap)
}
