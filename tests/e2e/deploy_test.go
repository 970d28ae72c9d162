// Package e2e tests a deployed dev stack on the lab: routing of every service, replication,
// the stats page, and that a rerun changes nothing. Run by make test after make up.
package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"pgsvc/check"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

type outputs struct {
	UserPasswords check.Credentials `json:"userPasswords"`
	StatsURL      string            `json:"statsUrl"`
	StatsAuth     string            `json:"statsAuth"`
	ServiceURLs   map[string]string `json:"serviceUrls"`
}

// deployed is the dev stack's validated spec and the outputs of its cluster named name.
func deployed(t *testing.T, name string) (*stacks.Spec, *stacks.Cluster, outputs) {
	t.Helper()
	s := cli.DevStack(t)
	var outs outputs
	s.ClusterOutputs(t, name, &outs)
	spec := s.Spec(t)
	return spec, spec.Find(name), outs
}

func TestRerunChangesNothing(t *testing.T) {
	s := cli.DevStack(t)
	s.MustRun(t, 10*time.Minute, "preview", "--expect-no-changes")
	// A command only runs when its resource is created, updated or deleted: with no change
	// planned, the up below runs none.
	s.MustRun(t, 10*time.Minute, "up", "--yes", "--expect-no-changes")
}

// TestEveryHostFormAndPortRoutes connects to every cluster of the environment through every
// host form and port.
func TestEveryHostFormAndPortRoutes(t *testing.T) {
	for _, name := range []string{"pg-meta", cli.TestCluster} {
		t.Run(name, func(t *testing.T) {
			spec, c, outs := deployed(t, name)
			ctx := context.Background()
			st := check.ReadState(ctx, c, cli.DevStack(t).HTTPClient(t))
			if st.Leader() == "" {
				t.Fatal("no member answers /primary")
			}
			routes := check.Plan(c, st, check.HostForms(c, true), outs.UserPasswords)
			check.Run(ctx, routes, check.Resolver(spec.Infra[0].IP))
			var report strings.Builder
			if bad := check.Report(&report, routes); bad > 0 {
				t.Errorf("%d wrong routes:\n%s", bad, report.String())
			}
			t.Logf("\n%s", report.String())
		})
	}
}

// TestPersonalUsers connects as the seed's personal users do: to pg-meta's meta database
// directly, by IP and by the cluster's and the instance's names; dbuser_view only reads.
func TestPersonalUsers(t *testing.T) {
	spec, c, outs := deployed(t, "pg-meta")
	resolver := check.Resolver(spec.Infra[0].IP)
	ip := c.Primary().IP
	for _, tc := range []struct{ user, host string }{
		{"dbuser_dba", ip}, {"dbuser_meta", ip}, {"dbuser_view", "pg-meta"}, {"dbuser_view", "pg-meta-1"},
	} {
		target := check.Target{Host: tc.host, Port: c.Ports.Postgres, User: tc.user, Password: outs.UserPasswords[tc.user], Database: "meta"}
		for _, client := range []string{check.ClientPgx, check.ClientLibpq} {
			if l := check.Probe(context.Background(), client, target, resolver); l.Err != nil || l.Member != "pg-meta-1" || l.InRecovery {
				t.Errorf("%s postgres://%s@%s/meta: landed on %q (in recovery %v), %v", client, tc.user, tc.host, l.Member, l.InRecovery, l.Err)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	view := mustConnect(t, ctx, check.Target{Host: ip, Port: c.Ports.Postgres, User: "dbuser_view", Password: outs.UserPasswords["dbuser_view"], Database: "meta"})
	defer view.Close(ctx)
	if _, err := view.Exec(ctx, "create table personal_users_probe (id int)"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("dbuser_view created a table in meta (err: %v), want permission denied", err)
	}
}

// TestReplicaServiceSpreads connects to 5434 repeatedly: every replica must serve it.
func TestReplicaServiceSpreads(t *testing.T) {
	_, c, outs := deployed(t, cli.TestCluster)
	replicas := drill.Passing(check.ReadState(context.Background(), c, cli.DevStack(t).HTTPClient(t)).Status["/replica"])
	if len(replicas) != 2 {
		t.Fatalf("replicas %v, want two", replicas)
	}
	seen := map[string]int{}
	for i := 0; i < 12; i++ {
		l := check.Probe(context.Background(), check.ClientPgx, check.Target{Host: c.VIP.Address, Port: lab.Ports.Replica, User: "test",
			Password: outs.UserPasswords["test"], Database: "test"}, nil)
		if l.Err != nil {
			t.Fatal(l.Err)
		}
		if !l.InRecovery {
			t.Errorf("5434 landed on %s, which is not in recovery", l.Member)
		}
		seen[l.Member]++
	}
	for _, r := range replicas {
		if seen[r] == 0 {
			t.Errorf("5434 never reached replica %s: %v", r, seen)
		}
	}
}

// TestWriteThenReadThroughServices writes a row through 5433 and reads it back through 5434.
func TestWriteThenReadThroughServices(t *testing.T) {
	_, c, outs := deployed(t, cli.TestCluster)
	vip, pw := c.VIP.Address, outs.UserPasswords["test"]
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := mustConnect(t, ctx, check.Target{Host: vip, Port: lab.Ports.Primary, User: "test", Password: pw, Database: "test"})
	defer w.Close(ctx)
	token := fmt.Sprintf("row-%d", time.Now().UnixNano())
	if _, err := w.Exec(ctx, "create table if not exists e2e_rows (token text primary key, at timestamptz default now())"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(ctx, "insert into e2e_rows (token) values ($1)", token); err != nil {
		t.Fatal(err)
	}
	r := mustConnect(t, ctx, check.Target{Host: vip, Port: lab.Ports.Replica, User: "test", Password: pw, Database: "test"})
	defer r.Close(ctx)
	// Until the replica replays the table's creation, reading it fails.
	var n int
	var err error
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if err = r.QueryRow(ctx, "select count(*) from e2e_rows where token = $1", token).Scan(&n); err == nil && n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("row written through 5433 not visible through 5434 after 20s (last read: %d rows, %v)", n, err)
		}
	}
}

func TestStatsPage(t *testing.T) {
	_, _, outs := deployed(t, cli.TestCluster)
	user, pass, _ := strings.Cut(outs.StatsAuth, ":")
	client := cli.DevStack(t).HTTPClient(t)
	for _, tc := range []struct {
		path string
		auth bool
		want int
	}{{"", false, 401}, {"", true, 200}, {"metrics", false, 401}, {"metrics", true, 200}} {
		req, _ := http.NewRequest(http.MethodGet, outs.StatsURL+tc.path, nil)
		if tc.auth {
			req.SetBasicAuth(user, pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s%s (auth %v): %d, want %d", outs.StatsURL, tc.path, tc.auth, resp.StatusCode, tc.want)
		}
	}
}

// TestOutputs checks every exported URL against the config and uses it as a user would.
func TestOutputs(t *testing.T) {
	drill.CheckOutputs(t, cli.DevStack(t))
}

func mustConnect(t *testing.T, ctx context.Context, target check.Target) *pgx.Conn {
	t.Helper()
	conn, err := outage.Connect(ctx, target)
	if err != nil {
		t.Fatalf("connect %s:%d as %s: %v", target.Host, target.Port, target.User, err)
	}
	return conn
}
