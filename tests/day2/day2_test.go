// Package day2 edits the dev stack's config on the lab and checks that each edit plans and
// applies exactly the resources it touches, and that every service still routes right after.
package day2

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/render"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

// members of the dev stack.
var members = []string{"pg-test-1", "pg-test-2", "pg-test-3"}

// apply previews an edit, checks that exactly the resources want names (as regular
// expressions over resource names) change, applies it and checks the routes.
func apply(t *testing.T, c *drill.Cluster, edit func(cluster map[string]any), want ...string) *cli.Stack {
	t.Helper()
	s := c.Stack.WithConfig(t, func(cfg map[string]any) { edit(cli.ClusterConfig(cfg, cli.TestCluster)) })
	changes := s.Changes(t)
	var unexpected []string
	for name := range changes {
		if !slices.ContainsFunc(want, func(re string) bool { return regexp.MustCompile("^(" + re + ")$").MatchString(name) }) {
			unexpected = append(unexpected, name+" "+changes[name])
		}
	}
	sort.Strings(unexpected)
	if len(unexpected) > 0 {
		t.Errorf("the edit plans changes beyond %v:\n%s", want, strings.Join(unexpected, "\n"))
	}
	if len(changes) == 0 {
		t.Errorf("the edit plans no change")
	}
	s.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	s.MustRun(t, 5*time.Minute, "preview", "--expect-no-changes")
	drill.CheckOutputs(t, s)
	return s
}

// Edits of a cluster's host forms (its VIP, its members) re-issue its members' certificates,
// which name every host form of the cluster; PostgreSQL, PgBouncer and HAProxy reload them.
const reissued = `pg-test-\d-tls-(cert|csr|server\.crt|haproxy\.pem)`

// A service that routes by /primary changes the backends Patroni's callback waits on, and an RTO
// plan the spread of the checks: both are in the HAProxy routing file.
const routing = `pg-test-\d-haproxy-routing`

// restore puts the committed config back after the test, outputs included.
func restore(t *testing.T, c *drill.Cluster) {
	t.Cleanup(func() {
		c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
		drill.CheckOutputs(t, c.Stack)
	})
}

func TestServiceEdits(t *testing.T) {
	c := drill.Setup(t)
	restore(t, c)
	svc := map[string]any{"name": "meta", "port": 5440, "dest": "postgres", "check": "/replica",
		"selector": []any{map[string]any{"roles": []any{"replica"}}}, "backup": []any{map[string]any{"roles": []any{"primary"}}}, "backupCheck": "/primary"}
	apply(t, c, func(cl map[string]any) { cl["services"] = []any{svc} }, `pg-test-\d-haproxy-meta(-cfg)?`, routing)
	c.CheckRoutes(t)
	if got := c.LandsOn(c.C.VIP.Address, 5440); got == "" || got == c.Leader() {
		t.Errorf("the meta service landed on %q, want a replica", got)
	}
	svc["maxconn"], svc["balance"] = 1234, "leastconn"
	apply(t, c, func(cl map[string]any) { cl["services"] = []any{svc} }, `pg-test-\d-haproxy-meta-cfg`)
	out, err := lab.SSH(c.IP("pg-test-2"), "grep -E 'maxconn 1234|balance leastconn' /etc/haproxy/services/pg-test-meta.cfg | wc -l")
	if err != nil || strings.TrimSpace(out) != "3" {
		t.Errorf("edited service file: %q %v", out, err)
	}
	apply(t, c, func(cl map[string]any) { cl["services"] = []any{} }, `pg-test-\d-haproxy-meta(-cfg)?`, routing)
	if got := c.LandsOn(c.C.VIP.Address, 5440); got != "" {
		t.Errorf("the removed service still answers, on %s", got)
	}
	c.CheckRoutes(t)
}

func TestVIPAndDNSEdits(t *testing.T) {
	c := drill.Setup(t)
	restore(t, c)
	vip := c.C.VIP.Address
	apply(t, c, func(cl map[string]any) { cl["vip"].(map[string]any)["enabled"] = false },
		`pg-test-\d-vip-manager(-vip(-sh|-unit)?)?`, `pg-test-dns-infra-1`, `pgsvc-dev`, reissued)
	drill.Eventually(t, 30*time.Second, "the VIP released", func() bool { return c.LandsOn(vip, lab.Ports.Postgres) == "" })
	resolver := check.Resolver(c.Spec.Infra[0].IP)
	addrs, err := resolver.LookupHost(context.Background(), "pg-test")
	if err != nil || len(addrs) != 1 || addrs[0] != c.IP(c.Leader()) {
		t.Errorf("pg-test resolves to %v (%v), want the primary %s", addrs, err, c.IP(c.Leader()))
	}
	apply(t, c, func(cl map[string]any) { cl["dns"] = map[string]any{"target": "primary"} },
		`pg-test-\d-vip-manager(-vip(-sh|-unit)?)?`, `pgsvc-dev`, reissued)
	c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	drill.Eventually(t, 30*time.Second, "the VIP back on the leader", func() bool { return c.LandsOn(vip, lab.Ports.Postgres) == c.Leader() })
	c.CheckRoutes(t)
}

func TestUserEdits(t *testing.T) {
	c := drill.Setup(t)
	restore(t, c)
	add := func(cl map[string]any) {
		cl["users"] = append(cl["users"].([]any), map[string]any{"name": "dbuser_new", "roles": []any{"dbrole_readwrite"}})
		cl["databases"] = append(cl["databases"].([]any), map[string]any{"name": "newdb", "owner": "dbuser_new"})
	}
	s := apply(t, c, add, `pg-test-password-dbuser_new`, `pg-test-\d-user-dbuser_new`, `pg-test-\d-database-newdb`,
		`pg-test-\d-pgbouncer-(userlist|ini)`, `pgsvc-dev`)
	var outs struct {
		UserPasswords check.Credentials `json:"userPasswords"`
	}
	s.ClusterOutputs(t, cli.TestCluster, &outs)
	connectAs := func(user, password, db string) error {
		conn, err := outage.Connect(context.Background(), check.Target{Host: c.C.VIP.Address, Port: lab.Ports.Primary, User: user, Password: password, Database: db})
		if err == nil {
			conn.Close(context.Background())
		}
		return err
	}
	if err := connectAs("dbuser_new", outs.UserPasswords["dbuser_new"], "newdb"); err != nil {
		t.Errorf("new user through 5433: %v", err)
	}
	old := outs.UserPasswords["dbuser_view"]
	rotate := func(cl map[string]any) {
		add(cl)
		for _, u := range cl["users"].([]any) {
			if u.(map[string]any)["name"] == "dbuser_view" {
				u.(map[string]any)["rotation"] = "2026-11"
			}
		}
	}
	s = apply(t, c, rotate, `pg-test-password-dbuser_view`, `pg-test-\d-user-dbuser_view`, `pg-test-\d-pgbouncer-userlist`, `pgsvc-dev`)
	s.ClusterOutputs(t, cli.TestCluster, &outs)
	if outs.UserPasswords["dbuser_view"] == old {
		t.Fatal("the rotated password did not change")
	}
	if err := connectAs("dbuser_view", outs.UserPasswords["dbuser_view"], "test"); err != nil {
		t.Errorf("rotated password through 5433: %v", err)
	}
	if err := connectAs("dbuser_view", old, "test"); err == nil {
		t.Error("the old password still works after rotation")
	}
}

// TestRTOPlanEdit changes the failover plan: Patroni's dynamic config and HAProxy's checks change,
// and PostgreSQL keeps running (same postmaster start time on every member).
func TestRTOPlanEdit(t *testing.T) {
	c := drill.Setup(t)
	restore(t, c)
	started := postmasterStarts(t, c)
	apply(t, c, func(cl map[string]any) { cl["rto"] = "fast" },
		`pg-test-\d-postgres-patroni-yml`, `pg-test-\d-patroni-dynamic`, `pg-test-\d-haproxy-(primary|replica|default|offline)-cfg`, routing)
	out, err := lab.SSH(c.IP("pg-test-1"), lab.Patronictl+" show-config")
	if err != nil || !strings.Contains(out, "ttl: 12") {
		t.Errorf("dynamic config after the edit: %v\n%s", err, out)
	}
	if after := postmasterStarts(t, c); !maps.Equal(started, after) {
		t.Errorf("PostgreSQL restarted: start times %v, then %v", started, after)
	}
	c.CheckRoutes(t)
}

func postmasterStarts(t *testing.T, c *drill.Cluster) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range members {
		got, err := lab.SSH(c.IP(m), "cd / && runuser -u postgres -- psql -XAtc 'select pg_postmaster_start_time()'")
		if err != nil {
			t.Fatal(err)
		}
		out[m] = strings.TrimSpace(got)
	}
	return out
}

// TestPreviewDiffShowsFileLines checks that preview --diff shows the changed lines of a file,
// and masks files that hold secrets.
func TestPreviewDiffShowsFileLines(t *testing.T) {
	c := drill.Setup(t)
	restore(t, c)
	service := func(maxconn int) func(map[string]any) {
		return func(cl map[string]any) {
			cl["services"] = []any{map[string]any{"name": "meta", "port": 5440, "maxconn": maxconn}}
		}
	}
	apply(t, c, service(5000), `pg-test-\d-haproxy-meta(-cfg)?`, routing)
	s := c.Stack.WithConfig(t, func(cfg map[string]any) {
		service(4321)(cli.ClusterConfig(cfg, cli.TestCluster))
		for _, u := range cli.ClusterConfig(cfg, cli.TestCluster)["users"].([]any) {
			if u.(map[string]any)["name"] == "test" {
				u.(map[string]any)["rotation"] = "preview-only"
			}
		}
	})
	out := s.MustRun(t, 5*time.Minute, "preview", "--diff")
	for _, want := range []string{"-     maxconn 5000", "+     maxconn 4321", "pg-test-1-pgbouncer-userlist"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview --diff does not show %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, c.Creds["test"]) || strings.Contains(out, "SCRAM-SHA-256$") {
		t.Error("preview --diff shows a password or a verifier")
	}
}

// TestRemoveAndAddMember takes pg-test-3 out of the cluster and puts it back: only its own
// resources, the other members' HAProxy files and the DNS records change; PostgreSQL on the
// other members keeps running; the member leaves the DCS and rejoins as a replica.
func TestRemoveAndAddMember(t *testing.T) {
	c := drill.Setup(t)
	restore(t, c)
	started := postmasterStarts(t, c)
	apply(t, c, func(cl map[string]any) {
		cl["members"] = cl["members"].([]any)[:2]
	}, `pg-test-3(-.*)?`, `pg-test-[12]-haproxy-[a-z]+-cfg`, `pg-test-dns-infra-1`, reissued)
	drill.Eventually(t, time.Minute, "pg-test-3 gone from the DCS", func() bool {
		out, err := lab.SSH(c.IP("pg-test-1"), lab.Patronictl+" list")
		return err == nil && !strings.Contains(out, "pg-test-3")
	})
	for _, m := range []string{"pg-test-1", "pg-test-2"} {
		got, err := lab.SSH(c.IP(m), "cd / && runuser -u postgres -- psql -XAtc 'select pg_postmaster_start_time()'")
		if err != nil || strings.TrimSpace(got) != started[m] {
			t.Errorf("PostgreSQL on %s restarted: %v", m, err)
		}
	}
	c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	drill.Eventually(t, 3*time.Minute, "pg-test-3 back as a replica", func() bool { return c.State().Status["/replica"]["pg-test-3"] })
	c.CheckRoutes(t)
}

// TestDestroyKeepsData destroys the stack: daemons stop and are disabled, pgsvc's files go, the
// data directories stay; an up afterwards brings the cluster back with its data.
func TestDestroyKeepsData(t *testing.T) {
	c := drill.Setup(t)
	ctx := context.Background()
	vip := c.C.VIP.Address
	w, err := outage.Connect(ctx, c.Target(vip, lab.Ports.Primary))
	if err != nil {
		t.Fatal(err)
	}
	token := time.Now().Format(time.RFC3339Nano)
	_, err = w.Exec(ctx, "create table if not exists destroy_probe (token text primary key); insert into destroy_probe values ('"+token+"')")
	w.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stack.MustRun(t, 15*time.Minute, "up", "--yes", "--skip-preview") })
	c.Stack.MustRun(t, 10*time.Minute, "destroy", "--yes", "--skip-preview")
	// What each member's daemons are made of (render.MemberDaemons): Debian's units stay
	// installed, disabled; pgsvc's own go with their unit files; no file of theirs is left.
	for _, m := range c.C.Members {
		in := render.NodeInput(c.Spec, stacks.Machine{Name: c.C.MemberName(m), IP: m.IP, Cluster: c.C})
		script := ""
		want := map[string]string{}
		for _, d := range render.MemberDaemons {
			if !d.RunsOn(c.C) {
				continue
			}
			paths := d.Paths(in)
			want[d.Unit] = " inactive disabled"
			if slices.Contains(paths, "/etc/systemd/system/"+d.Unit+".service") {
				want[d.Unit] = " inactive \n"
			}
			script += fmt.Sprintf("echo %[1]s \"$(systemctl is-active %[1]s) $(systemctl is-enabled %[1]s 2>/dev/null || true)\"\n", render.ShellQuote(d.Unit))
			for _, p := range paths {
				script += fmt.Sprintf("if [ -e %[1]s ]; then echo left: %[1]s; fi\n", render.ShellQuote(p))
			}
		}
		script += "ls /etc/haproxy/services/ | grep -c . || true\n"
		script += "test -f " + render.ShellQuote(render.DataDir(c.C)+"/PG_VERSION") + " && echo data-kept\n"
		out, _ := lab.SSH(m.IP, script)
		for u, state := range want {
			if !strings.Contains(out, u+state) {
				t.Errorf("%s: %s is not stopped and disabled after destroy:\n%s", m.IP, u, out)
			}
		}
		if strings.Contains(out, "left: ") || !strings.Contains(out, "\n0\n") || !strings.Contains(out, "data-kept") {
			t.Errorf("%s: files left or data lost after destroy:\n%s", m.IP, out)
		}
	}
	c.Stack.MustRun(t, 15*time.Minute, "up", "--yes", "--skip-preview")
	var outs struct {
		UserPasswords check.Credentials `json:"userPasswords"`
	}
	c.Stack.ClusterOutputs(t, cli.TestCluster, &outs)
	// The stack came back with new passwords and a new CA.
	c.Creds, c.REST = outs.UserPasswords, c.Stack.HTTPClient(t)
	c.Settle(t)
	// Replicas learn the regenerated passwords once replication, itself re-keyed, catches up.
	for _, port := range []int{lab.Ports.Primary, lab.Ports.Replica} {
		drill.Eventually(t, time.Minute, fmt.Sprintf("the row written before destroy, read through %d", port), func() bool {
			return outage.HasToken(ctx, c.Target(vip, port), "destroy_probe", token)
		})
	}
	c.CheckRoutes(t)
	drill.CheckOutputs(t, c.Stack)
}
