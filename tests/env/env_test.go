// Package env tests an environment of several clusters on the lab: a cluster added and removed
// beside a serving one, and a failover in one cluster while another is checked.
package env

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/render"
	"pgsvc/stacks"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
)

// onlyChanges checks that a preview changes nothing but resources whose names match allowed,
// each with op, besides the stack's own outputs.
func onlyChanges(t *testing.T, changes map[string]string, op string, allowed *regexp.Regexp) {
	t.Helper()
	n := 0
	for name, got := range changes {
		switch {
		case name == "pgsvc-dev":
		case !allowed.MatchString(name):
			t.Errorf("preview %ss %s, which is not the new cluster's", got, name)
		case got != op:
			t.Errorf("preview %ss %s, want %s", got, name, op)
		default:
			n++
		}
	}
	if n == 0 {
		t.Errorf("preview changes nothing of the cluster: %v", changes)
	}
	t.Logf("preview: %d resources to %s, all the cluster's", n, op)
}

// etcdLogin is the HTTP status etcd's v2 API gives the cluster's own user reading its leader key.
// The password reaches the etcd node on stdin, and curl in a netrc file.
func etcdLogin(t *testing.T, spec *stacks.Spec, cluster, password string) string {
	t.Helper()
	etcd := spec.NodeIPs()[spec.Etcd.Members[0]]
	out, err := lab.SSHInput(etcd, lab.StdinSecretFile("pw")+lab.NetrcFile("netrc", "127.0.0.1", cluster, "pw")+
		fmt.Sprintf(`curl -s -o /dev/null --netrc-file "$netrc" --cacert %s -w '%%{http_code}' https://127.0.0.1:%d/v2/keys/pg/%s/leader`,
			render.CACertPath, spec.Etcd.ClientPort, cluster), password)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAddAndRemoveCluster adds a one-node cluster on the on-demand node solo-1 and removes it
// again while pg-test serves new sessions: each preview touches only the new cluster's
// resources (its node, its DNS records, its etcd user), no pg-test session fails, and the
// cluster's names and etcd user come and go with it.
func TestAddAndRemoveCluster(t *testing.T) {
	test := drill.Setup(t)
	lab.Run(t, "wipe", lab.Solo1.Name)
	lab.Run(t, "start", lab.Solo1.Name)
	t.Cleanup(func() {
		if t.Failed() {
			// The wipe takes the node's logs with it: keep what Patroni said.
			out, _ := lab.SSH(lab.Solo1.IP, "journalctl -u patroni --no-pager -n 80")
			t.Logf("solo-1's Patroni journal:\n%s", out)
		}
		lab.Run(t, "wipe", lab.Solo1.Name)
	})
	added := test.Stack.WithConfig(t, func(cfg map[string]any) {
		cfg[stacks.KeyClusters] = append(cfg[stacks.KeyClusters].([]any), map[string]any{
			"name":      "pg-solo",
			"members":   []any{map[string]any{"seq": 1, "ip": lab.Solo1.IP, "role": "primary"}},
			"users":     []any{map[string]any{"name": "test", "roles": []any{"dbrole_admin"}}},
			"databases": []any{map[string]any{"name": "test", "owner": "test"}},
		})
	})
	// Registered after the wipe, so it runs before it: the cluster leaves while its node lives.
	t.Cleanup(func() { test.Stack.MustRun(t, 15*time.Minute, "up", "--yes", "--skip-preview") })
	solo := regexp.MustCompile(`^pg-solo(-.*)?$`)
	through := test.Target(test.C.VIP.Address, lab.Ports.Primary)

	onlyChanges(t, added.Changes(t), "create", solo)
	start := time.Now()
	res := drill.NewSessions(t, through, func() { added.MustRun(t, 15*time.Minute, "up", "--yes", "--skip-preview") })
	t.Logf("add pg-solo: up %.0fs; pg-test sessions: %d ok, %d failed", time.Since(start).Seconds(), res.OK, res.Failed)
	if res.Failed > 0 {
		t.Errorf("%d pg-test sessions failed while pg-solo was added: %v", res.Failed, res.FirstErr)
	}
	drill.CheckOutputs(t, added)
	var outs struct {
		UserPasswords check.Credentials `json:"userPasswords"`
	}
	added.ClusterOutputs(t, "pg-solo", &outs)
	spec := added.Spec(t)
	(&drill.Cluster{Stack: added, Spec: spec, C: spec.Find("pg-solo"), Creds: outs.UserPasswords, REST: added.HTTPClient(t)}).CheckRoutes(t)
	etcdPassword, err := lab.SSH(lab.Solo1.IP, lab.SecretFile("pw", lab.PatroniConfig, "etcd", "password")+`cat "$pw"`)
	if err != nil {
		t.Fatal(err)
	}
	etcdPassword = strings.TrimSpace(etcdPassword)
	if got := etcdLogin(t, spec, "pg-solo", etcdPassword); got != "200" {
		t.Errorf("pg-solo's etcd user reads its leader key: HTTP %s, want 200", got)
	}

	onlyChanges(t, test.Stack.Changes(t), "delete", solo)
	start = time.Now()
	res = drill.NewSessions(t, through, func() { test.Stack.MustRun(t, 15*time.Minute, "up", "--yes", "--skip-preview") })
	t.Logf("remove pg-solo: up %.0fs; pg-test sessions: %d ok, %d failed", time.Since(start).Seconds(), res.OK, res.Failed)
	if res.Failed > 0 {
		t.Errorf("%d pg-test sessions failed while pg-solo was removed: %v", res.Failed, res.FirstErr)
	}
	if got := etcdLogin(t, spec, "pg-solo", etcdPassword); got != "401" {
		t.Errorf("pg-solo's etcd user after removal: HTTP %s, want 401", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if addrs, err := check.Resolver(spec.Infra[0].IP).LookupHost(ctx, "pg-solo"); err == nil {
		t.Errorf("pg-solo still resolves to %v after removal", addrs)
	} else if dnsErr, ok := err.(*net.DNSError); !ok || !dnsErr.IsNotFound {
		t.Errorf("looking up pg-solo after removal: %v, want not found", err)
	}
	if out, _ := lab.SSH(lab.Solo1.IP, "systemctl is-active patroni pgbouncer haproxy"); strings.Contains(out, "active\n") && !strings.Contains(out, "inactive") {
		t.Errorf("solo-1 still runs pg-solo's daemons:\n%s", out)
	}
	drill.CheckOutputs(t, test.Stack)
	test.CheckRoutes(t)
}

// TestFailoverLeavesOtherCluster kills pg-test's primary node (an etcd member too) while pg-meta
// serves new sessions: pg-meta keeps its leader, loses no session and keeps every route.
func TestFailoverLeavesOtherCluster(t *testing.T) {
	meta := drill.SetupCluster(t, "pg-meta")
	test := drill.Setup(t)
	metaLeader := meta.Leader()
	old := test.Leader()
	res := drill.NewSessions(t, meta.Target(meta.IP(metaLeader), lab.Ports.Primary), func() {
		lab.Run(t, "kill", old)
		drill.Eventually(t, 2*time.Minute, "a new pg-test leader", func() bool { l := test.Leader(); return l != "" && l != old })
		meta.CheckRoutes(t)
		lab.Run(t, "start", old)
		drill.Eventually(t, 3*time.Minute, old+" rejoins as a replica", func() bool { return test.State().Status["/replica"][old] })
	})
	t.Logf("pg-meta sessions during pg-test's failover: %d ok, %d failed", res.OK, res.Failed)
	if res.Failed > 0 {
		t.Errorf("%d pg-meta sessions failed during pg-test's failover: %v", res.Failed, res.FirstErr)
	}
	if l := meta.Leader(); l != metaLeader {
		t.Errorf("pg-meta's leader is %q, was %s", l, metaLeader)
	}
	meta.CheckRoutes(t)
	test.CheckRoutes(t)
}
