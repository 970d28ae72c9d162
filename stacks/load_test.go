package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baseConfig is a valid pg-test deployment as decoded JSON objects, one per config key.
func baseConfig(t *testing.T) map[string]any {
	t.Helper()
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(key, []byte("key"), 0o600); err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	raw := `{
	  "pgsvc:ssh": {"user": "root", "privateKeyFile": "` + key + `"},
	  "pgsvc:infra": [{"name": "infra-1", "ip": "10.10.10.10"}],
	  "pgsvc:etcd": {"members": ["infra-1", "pg-test-1", "pg-test-2"]},
	  "pgsvc:cluster": {
	    "name": "pg-test",
	    "members": [
	      {"seq": 1, "ip": "10.10.10.11", "role": "primary"},
	      {"seq": 2, "ip": "10.10.10.12", "role": "replica"},
	      {"seq": 3, "ip": "10.10.10.13", "role": "replica", "offlineQuery": true}
	    ],
	    "vip": {"enabled": true, "address": "10.10.10.3", "interface": "eth1"},
	    "services": [{"name": "meta", "port": 5440, "dest": "postgres", "check": "/replica?lag=16MB",
	                  "selector": [{"roles": ["replica"]}], "backup": [{"roles": ["primary"]}]}],
	    "users": [{"name": "test", "roles": ["dbrole_admin"]}, {"name": "dbuser_dba", "superuser": true}],
	    "databases": [{"name": "test", "owner": "test"}]
	  }
	}`
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func getter(t *testing.T, cfg map[string]any) func(string) (string, bool) {
	return func(key string) (string, bool) {
		v, ok := cfg[key]
		if !ok {
			return "", false
		}
		if s, isString := v.(string); isString {
			return s, true
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b), true
	}
}

// at walks a path of map keys and slice indexes.
func at(cfg map[string]any, path ...any) map[string]any {
	var cur any = cfg
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur.(map[string]any)
}

func cluster(cfg map[string]any) map[string]any { return at(cfg, KeyCluster) }
func member(cfg map[string]any, i int) map[string]any {
	return at(cfg, KeyCluster, "members", i)
}

func TestLoadValid(t *testing.T) {
	spec, err := Load(getter(t, baseConfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := spec.Clusters[0]
	if c.Ports != (Ports{5432, 6432, 8008, 9101}) || c.RTO != "norm" || c.VIP.Prefix != 24 {
		t.Errorf("defaults not applied: %+v rto=%s prefix=%d", c.Ports, c.RTO, c.VIP.Prefix)
	}
	if got := len(c.AllServices()); got != 5 {
		t.Errorf("services = %d, want 4 default + 1 user", got)
	}
	if c.AllowedNetworks[0] != "10.10.10.0/24" {
		t.Errorf("allowedNetworks = %v", c.AllowedNetworks)
	}
	if spec.SSH.Port != 22 || spec.Etcd.API != DCSv2 {
		t.Errorf("ssh/etcd defaults: %+v %+v", spec.SSH, spec.Etcd)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(cfg map[string]any)
		want   []string // every fragment must appear in the error
	}{
		{"missing cluster key", func(c map[string]any) { delete(c, KeyCluster) }, []string{"pgsvc:cluster", "required"}},
		{"unknown field", func(c map[string]any) { cluster(c)["nmae"] = "x" }, []string{"pgsvc:cluster", `unknown field "nmae"`}},
		{"wrong type", func(c map[string]any) { member(c, 0)["seq"] = "one" }, []string{"pgsvc:cluster", "seq"}},
		{"bad json", func(c map[string]any) { c[KeyEtcd] = "{" }, []string{"pgsvc:etcd"}},
		{"ssh user", func(c map[string]any) { at(c, KeySSH)["user"] = "ro ot" }, []string{"pgsvc:ssh.user", `"ro ot"`}},
		{"ssh port", func(c map[string]any) { at(c, KeySSH)["port"] = 70000 }, []string{"pgsvc:ssh.port", "70000"}},
		{"ssh key missing", func(c map[string]any) { at(c, KeySSH)["privateKeyFile"] = "/nonexistent/key" }, []string{"pgsvc:ssh.privateKeyFile", `"/nonexistent/key"`}},
		{"ssh key unset", func(c map[string]any) { delete(at(c, KeySSH), "privateKeyFile") }, []string{"pgsvc:ssh.privateKeyFile", "required"}},
		{"infra name", func(c map[string]any) { at(c, KeyInfra, 0)["name"] = "Infra_1" }, []string{"pgsvc:infra[0].name", `"Infra_1"`}},
		{"infra ip", func(c map[string]any) { at(c, KeyInfra, 0)["ip"] = "10.10.10.300" }, []string{"pgsvc:infra[0].ip", `"10.10.10.300"`}},
		{"duplicate ip", func(c map[string]any) { member(c, 1)["ip"] = "10.10.10.11" }, []string{"pgsvc:cluster.members[1].ip", `"10.10.10.11"`, "pg-test-1"}},
		{"duplicate seq", func(c map[string]any) { member(c, 2)["seq"] = 2 }, []string{"pgsvc:cluster.members[2].seq", "2", "duplicate"}},
		{"seq zero", func(c map[string]any) { member(c, 2)["seq"] = 0 }, []string{"pgsvc:cluster.members[2].seq", "0"}},
		{"no primary", func(c map[string]any) { member(c, 0)["role"] = "replica" }, []string{"pgsvc:cluster.members", "0 primaries"}},
		{"two primaries", func(c map[string]any) { member(c, 1)["role"] = "primary" }, []string{"pgsvc:cluster.members", "2 primaries"}},
		{"unknown role", func(c map[string]any) { member(c, 1)["role"] = "standby" }, []string{"pgsvc:cluster.members[1].role", `"standby"`}},
		{"no members", func(c map[string]any) { cluster(c)["members"] = []any{} }, []string{"pgsvc:cluster.members", "at least one"}},
		{"weight", func(c map[string]any) { member(c, 1)["weight"] = 300 }, []string{"pgsvc:cluster.members[1].weight", "300"}},
		{"delay format", func(c map[string]any) { member(c, 1)["delay"] = "1 hour" }, []string{"pgsvc:cluster.members[1].delay", `"1 hour"`}},
		{"delayed primary", func(c map[string]any) { member(c, 0)["delay"] = "1h" }, []string{"pgsvc:cluster.members[0].delay", "primary"}},
		{"tag", func(c map[string]any) { member(c, 1)["tags"] = map[string]any{"zone": "a b"} }, []string{"pgsvc:cluster.members[1].tags.zone", `"a b"`}},
		{"cluster name", func(c map[string]any) { cluster(c)["name"] = "pg_test" }, []string{"pgsvc:cluster.name", `"pg_test"`}},
		{"cluster name dot", func(c map[string]any) { cluster(c)["name"] = "pg.test" }, []string{"pgsvc:cluster.name", `"pg.test"`}},
		{"version", func(c map[string]any) { cluster(c)["version"] = 16 }, []string{"pgsvc:cluster.version", "16"}},
		{"rto", func(c map[string]any) { cluster(c)["rto"] = "quick" }, []string{"pgsvc:cluster.rto", `"quick"`}},
		{"tls mode", func(c map[string]any) { cluster(c)["tls"] = "on" }, []string{"pgsvc:cluster.tls", `"on"`, "off, prefer, require"}},
		{"cert outlives its CA", func(c map[string]any) { c[KeyTLS] = map[string]any{"caDays": 365, "certDays": 400} }, []string{"pgsvc:tls.certDays", "400", "caDays (365)"}},
		{"ca days", func(c map[string]any) { c[KeyTLS] = map[string]any{"caDays": -1} }, []string{"pgsvc:tls.caDays", "-1"}},
		{"port collision with postgres", func(c map[string]any) { at(c, KeyCluster, "services", 0)["port"] = 5432 }, []string{"pgsvc:cluster.services[0].port", "5432", "postgres"}},
		{"port collision with ssh", func(c map[string]any) { at(c, KeyCluster, "services", 0)["port"] = 22 }, []string{"pgsvc:cluster.services[0].port", "22", "ssh"}},
		{"port collision between services", func(c map[string]any) { at(c, KeyCluster, "services", 0)["port"] = 5433 }, []string{"pgsvc:cluster.services[0].port", "5433", "primary"}},
		{"port out of range", func(c map[string]any) { at(c, KeyCluster, "services", 0)["port"] = 0 }, []string{"pgsvc:cluster.services[0].port", "0"}},
		{"daemon port collision", func(c map[string]any) { cluster(c)["ports"] = map[string]any{"patroni": 6432} }, []string{"pgsvc:cluster.ports.patroni", "6432", "pgbouncer"}},
		{"duplicate service", func(c map[string]any) { at(c, KeyCluster, "services", 0)["name"] = "replica" }, []string{"pgsvc:cluster.services[0].name", `"replica"`, "duplicate"}},
		{"service name", func(c map[string]any) { at(c, KeyCluster, "services", 0)["name"] = "Meta" }, []string{"pgsvc:cluster.services[0].name", `"Meta"`}},
		{"unknown default service", func(c map[string]any) { cluster(c)["defaultServices"] = []any{"primary", "writer"} }, []string{"pgsvc:cluster.defaultServices[1]", `"writer"`}},
		{"unknown check", func(c map[string]any) { at(c, KeyCluster, "services", 0)["check"] = "/master" }, []string{"pgsvc:cluster.services[0].check", `"/master"`}},
		{"bad lag", func(c map[string]any) { at(c, KeyCluster, "services", 0)["check"] = "/replica?lag=lots" }, []string{"pgsvc:cluster.services[0].check", `"/replica?lag=lots"`}},
		{"query on primary check", func(c map[string]any) { at(c, KeyCluster, "services", 0)["check"] = "/primary?lag=1MB" }, []string{"pgsvc:cluster.services[0].check", "no query"}},
		{"dest", func(c map[string]any) { at(c, KeyCluster, "services", 0)["dest"] = "pooler" }, []string{"pgsvc:cluster.services[0].dest", `"pooler"`}},
		{"balance", func(c map[string]any) { at(c, KeyCluster, "services", 0)["balance"] = "random-ish" }, []string{"pgsvc:cluster.services[0].balance", `"random-ish"`}},
		{"maxconn", func(c map[string]any) { at(c, KeyCluster, "services", 0)["maxconn"] = -5 }, []string{"pgsvc:cluster.services[0].maxconn", "-5"}},
		{"options injection", func(c map[string]any) { at(c, KeyCluster, "services", 0)["options"] = "inter 1s\nlisten evil" }, []string{"pgsvc:cluster.services[0].options", "one line"}},
		{"hold unit", func(c map[string]any) { at(c, KeyCluster, "services", 0)["hold"] = "5" }, []string{"pgsvc:cluster.services[0].hold", `"5"`}},
		{"hold too long", func(c map[string]any) { at(c, KeyCluster, "services", 0)["hold"] = "2m" }, []string{"pgsvc:cluster.services[0].hold", `"2m"`, "1m0s"}},
		{"negative hold", func(c map[string]any) { at(c, KeyCluster, "services", 0)["hold"] = "-1s" }, []string{"pgsvc:cluster.services[0].hold", `"-1s"`}},
		{"service ip", func(c map[string]any) { at(c, KeyCluster, "services", 0)["ip"] = "localhost" }, []string{"pgsvc:cluster.services[0].ip", `"localhost"`}},
		{"selector matches nobody", func(c map[string]any) {
			at(c, KeyCluster, "services", 0)["selector"] = []any{map[string]any{"roles": []any{"offline"}}}
			delete(at(c, KeyCluster, "services", 0), "backup")
		}, []string{"pgsvc:cluster.services[0].selector", "matches no member"}},
		{"selector role", func(c map[string]any) {
			at(c, KeyCluster, "services", 0)["selector"] = []any{map[string]any{"roles": []any{"master"}}}
		}, []string{"pgsvc:cluster.services[0].selector[0].roles", `"master"`}},
		{"delayed service without delayed member", func(c map[string]any) { cluster(c)["defaultServices"] = []any{"delayed"} }, []string{"pgsvc:cluster.defaultServices[0].selector", "matches no member"}},
		{"vip equals member", func(c map[string]any) { at(c, KeyCluster, "vip")["address"] = "10.10.10.12" }, []string{"pgsvc:cluster.vip.address", `"10.10.10.12"`, "pg-test-2"}},
		{"vip outside subnet", func(c map[string]any) { at(c, KeyCluster, "vip")["address"] = "10.20.0.3" }, []string{"pgsvc:cluster.vip.address", `"10.20.0.3"`, "outside"}},
		{"vip not an ip", func(c map[string]any) { at(c, KeyCluster, "vip")["address"] = "vip.local" }, []string{"pgsvc:cluster.vip.address", `"vip.local"`}},
		{"vip broadcast", func(c map[string]any) { at(c, KeyCluster, "vip")["address"] = "10.10.10.255" }, []string{"pgsvc:cluster.vip.address", "broadcast"}},
		{"vip prefix", func(c map[string]any) { at(c, KeyCluster, "vip")["prefix"] = 33 }, []string{"pgsvc:cluster.vip.prefix", "33"}},
		{"vip interface", func(c map[string]any) { at(c, KeyCluster, "vip")["interface"] = "eth0; reboot" }, []string{"pgsvc:cluster.vip.interface", `"eth0; reboot"`}},
		{"dns target", func(c map[string]any) { cluster(c)["dns"] = map[string]any{"target": "leader"} }, []string{"pgsvc:cluster.dns.target", `"leader"`}},
		{"dns vip without vip", func(c map[string]any) {
			cluster(c)["dns"] = map[string]any{"target": "vip"}
			at(c, KeyCluster, "vip")["enabled"] = false
		}, []string{"pgsvc:cluster.dns.target", `"vip"`, "not enabled"}},
		{"dns suffix", func(c map[string]any) { cluster(c)["dns"] = map[string]any{"suffix": "pg.lan"} }, []string{"pgsvc:cluster.dns.suffix", `"pg.lan"`}},
		{"pool mode", func(c map[string]any) { cluster(c)["pgbouncer"] = map[string]any{"poolMode": "txn"} }, []string{"pgsvc:cluster.pgbouncer.poolMode", `"txn"`}},
		{"pool size", func(c map[string]any) { cluster(c)["pgbouncer"] = map[string]any{"defaultPoolSize": -1} }, []string{"pgsvc:cluster.pgbouncer.defaultPoolSize", "-1"}},
		{"query wait timeout", func(c map[string]any) { cluster(c)["pgbouncer"] = map[string]any{"queryWaitTimeout": "1500ms"} }, []string{"pgsvc:cluster.pgbouncer.queryWaitTimeout", `"1500ms"`, "whole seconds"}},
		{"user name quote", func(c map[string]any) { at(c, KeyCluster, "users", 0)["name"] = `te"st` }, []string{"pgsvc:cluster.users[0].name", `"te\"st"`}},
		{"user name space", func(c map[string]any) { at(c, KeyCluster, "users", 0)["name"] = "dbuser dba" }, []string{"pgsvc:cluster.users[0].name", `"dbuser dba"`}},
		{"reserved user", func(c map[string]any) { at(c, KeyCluster, "users", 0)["name"] = "replicator" }, []string{"pgsvc:cluster.users[0].name", `"replicator"`, "reserved"}},
		{"pg_ user", func(c map[string]any) { at(c, KeyCluster, "users", 0)["name"] = "pg_monitor" }, []string{"pgsvc:cluster.users[0].name", `"pg_monitor"`}},
		{"duplicate user", func(c map[string]any) { at(c, KeyCluster, "users", 1)["name"] = "test" }, []string{"pgsvc:cluster.users[1].name", `"test"`, "duplicate"}},
		{"unknown role grant", func(c map[string]any) { at(c, KeyCluster, "users", 0)["roles"] = []any{"dbrole_god"} }, []string{"pgsvc:cluster.users[0].roles[0]", `"dbrole_god"`}},
		{"database name", func(c map[string]any) { at(c, KeyCluster, "databases", 0)["name"] = "test;drop" }, []string{"pgsvc:cluster.databases[0].name", `"test;drop"`}},
		{"template database", func(c map[string]any) { at(c, KeyCluster, "databases", 0)["name"] = "template1" }, []string{"pgsvc:cluster.databases[0].name", `"template1"`}},
		{"database owner", func(c map[string]any) { at(c, KeyCluster, "databases", 0)["owner"] = "nobody" }, []string{"pgsvc:cluster.databases[0].owner", `"nobody"`}},
		{"allowed network", func(c map[string]any) { cluster(c)["allowedNetworks"] = []any{"10.10.10.0"} }, []string{"pgsvc:cluster.allowedNetworks[0]", `"10.10.10.0"`}},
		{"etcd even", func(c map[string]any) { at(c, KeyEtcd)["members"] = []any{"infra-1", "pg-test-1"} }, []string{"pgsvc:etcd.members", "even"}},
		{"etcd unknown node", func(c map[string]any) { at(c, KeyEtcd)["members"] = []any{"infra-9"} }, []string{"pgsvc:etcd.members[0]", `"infra-9"`}},
		{"etcd twice", func(c map[string]any) { at(c, KeyEtcd)["members"] = []any{"infra-1", "infra-1", "pg-test-1"} }, []string{"pgsvc:etcd.members[1]", `"infra-1"`, "twice"}},
		{"etcd api", func(c map[string]any) { at(c, KeyEtcd)["api"] = "v4" }, []string{"pgsvc:etcd.api", `"v4"`}},
		{"etcd api unknown", func(c map[string]any) { at(c, KeyEtcd)["api"] = "v4" }, []string{"pgsvc:etcd.api", `"v4"`, `"v2" or "v3"`}},
		{"etcd ports equal", func(c map[string]any) { at(c, KeyEtcd)["peerPort"] = 2379 }, []string{"pgsvc:etcd.peerPort", "2379"}},
		{"node name clash", func(c map[string]any) { at(c, KeyInfra, 0)["name"] = "pg-test-1" }, []string{"pgsvc:cluster.members[0].seq", "pg-test-1", "another node"}},
		{"both cluster keys", func(c map[string]any) { c[KeyClusters] = []any{cluster(c)} }, []string{"pgsvc:cluster and pgsvc:clusters", "both set"}},
		{"empty cluster list", func(c map[string]any) { c[KeyClusters] = []any{}; delete(c, KeyCluster) }, []string{"pgsvc:clusters = []"}},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { expectRejected(t, baseConfig(t), tc.mutate, tc.want) })
	}
}

// expectRejected edits cfg with mutate and expects Load to refuse it with an error holding
// every fragment of want.
func expectRejected(t *testing.T, cfg map[string]any, mutate func(map[string]any), want []string) {
	t.Helper()
	mutate(cfg)
	spec, err := Load(getter(t, cfg))
	if err == nil {
		t.Fatalf("Load accepted the config: %+v", spec.Clusters)
	}
	for _, frag := range want {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("error lacks %q:\n%v", frag, err)
		}
	}
}

// sandboxConfig is Pigsty's sandbox: pg-meta on infra-1 beside pg-test, in pgsvc:clusters.
func sandboxConfig(t *testing.T) map[string]any {
	cfg := baseConfig(t)
	meta := map[string]any{
		"name":      "pg-meta",
		"members":   []any{map[string]any{"seq": 1, "ip": "10.10.10.10", "role": "primary"}},
		"users":     []any{map[string]any{"name": "dbuser_meta", "roles": []any{"dbrole_admin"}}},
		"databases": []any{map[string]any{"name": "meta", "owner": "dbuser_meta"}},
	}
	cfg[KeyClusters] = []any{meta, cluster(cfg)}
	delete(cfg, KeyCluster)
	return cfg
}

func metaOf(cfg map[string]any) map[string]any { return at(cfg, KeyClusters, 0) }
func testOf(cfg map[string]any) map[string]any { return at(cfg, KeyClusters, 1) }
func services(ports ...int) []any {
	var out []any
	for i, p := range ports {
		out = append(out, map[string]any{"name": fmt.Sprintf("s%d", i), "port": p})
	}
	return out
}

func TestLoadSandbox(t *testing.T) {
	spec, err := Load(getter(t, sandboxConfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Clusters) != 2 || spec.Find("pg-meta") == nil || spec.Find("pg-test").Key() != "pgsvc:clusters[1]" {
		t.Fatalf("clusters: %+v", spec.Clusters)
	}
	var names []string
	for _, m := range spec.Machines() {
		names = append(names, m.Name)
	}
	if want := "infra-1 pg-test-1 pg-test-2 pg-test-3"; strings.Join(names, " ") != want {
		t.Errorf("machines = %v, want %s", names, want)
	}
	if got := spec.MachineName("pg-meta-1"); got != "infra-1" {
		t.Errorf("pg-meta-1 runs on %s, want infra-1", got)
	}
	if got := spec.Machines()[0].Cluster; got == nil || got.Name != "pg-meta" {
		t.Errorf("infra-1 runs cluster %v, want pg-meta", got)
	}
}

func TestLoadRejectsAcrossClusters(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(cfg map[string]any)
		want   []string
	}{
		{"same name", func(c map[string]any) { metaOf(c)["name"] = "pg-test" }, []string{"pgsvc:clusters[1].name", `"pg-test"`, "duplicate cluster name", "pgsvc:clusters[0]"}},
		{"node in two clusters", func(c map[string]any) { at(c, KeyClusters, 0, "members", 0)["ip"] = "10.10.10.12" },
			[]string{"pgsvc:clusters[1].members[1].ip", `"10.10.10.12"`, "pg-meta-1 of cluster pg-meta"}},
		{"vip on another cluster's node", func(c map[string]any) { at(c, KeyClusters, 1, "vip")["address"] = "10.10.10.10" },
			[]string{"pgsvc:clusters[1].vip.address", `"10.10.10.10"`, "node infra-1"}},
		{"vip twice", func(c map[string]any) {
			metaOf(c)["vip"] = map[string]any{"enabled": true, "address": "10.10.10.3", "interface": "eth1"}
		}, []string{"pgsvc:clusters[1].vip.address", `"10.10.10.3"`, "already the VIP of cluster pg-meta"}},
		{"service on etcd's port", func(c map[string]any) { metaOf(c)["services"] = services(2379) },
			[]string{"pgsvc:clusters[0].services[0].port", "2379", "etcd's client port on infra-1"}},
		{"service on dnsmasq's port", func(c map[string]any) { metaOf(c)["services"] = services(5500, 53) },
			[]string{"pgsvc:clusters[0].services[1].port", "53", "dnsmasq on infra-1"}},
		{"postgres on etcd's peer port", func(c map[string]any) { metaOf(c)["ports"] = map[string]any{"postgres": 2380} },
			[]string{"pgsvc:clusters[0].ports.postgres", "2380", "etcd's peer port"}},
		{"dns name twice", func(c map[string]any) { metaOf(c)["name"] = "pg-test-1" },
			[]string{"pgsvc:clusters[1].name", `"pg-test"`, "DNS name pg-test-1", "cluster pg-test-1"}},
		{"etcd twice on one machine", func(c map[string]any) { at(c, KeyEtcd)["members"] = []any{"infra-1", "pg-meta-1", "pg-test-1"} },
			[]string{"pgsvc:etcd.members[1]", `"pg-meta-1"`, "same machine", "infra-1"}},
		{"member error names its cluster", func(c map[string]any) { at(c, KeyClusters, 0, "members", 0)["role"] = "leader" },
			[]string{"pgsvc:clusters[0].members[0].role", `"leader"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { expectRejected(t, sandboxConfig(t), tc.mutate, tc.want) })
	}
}

// TestRTOPlansAreConsistent checks Patroni's rule for every plan: the lease outlasts a loop and
// two DCS retries, so a primary is never demoted by a DCS hiccup it would survive.
func TestRTOPlansAreConsistent(t *testing.T) {
	for name, p := range rtoPlans {
		if p.TTL < p.LoopWait+2*p.RetryTimeout {
			t.Errorf("%s: ttl %d < loop_wait %d + 2 x retry_timeout %d", name, p.TTL, p.LoopWait, p.RetryTimeout)
		}
		if p.Rise < 1 || p.Fall < 2 {
			t.Errorf("%s: rise %d fall %d", name, p.Rise, p.Fall)
		}
	}
}

func TestServiceUser(t *testing.T) {
	spec, err := Load(getter(t, baseConfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := &spec.Clusters[0]
	for service, want := range map[string]string{"default": "dbuser_dba", "offline": "test", "primary": "test", "postgres": "test"} {
		if got := c.ServiceUser(service); got != want {
			t.Errorf("ServiceUser(%s) = %s, want %s", service, got, want)
		}
	}
	c.Users = append(c.Users, User{Name: "dbuser_stats", Roles: []string{"dbrole_offline"}})
	if got := c.ServiceUser("offline"); got != "dbuser_stats" {
		t.Errorf("ServiceUser(offline) = %s, want dbuser_stats", got)
	}
	if c.Database() != "test" {
		t.Errorf("Database() = %s", c.Database())
	}
}
