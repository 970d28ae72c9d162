package unit

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"pgsvc/tests/cli"
	"pgsvc/tests/lab"
	"pgsvc/tests/mock"
)

// urnName is the resource name at the end of a URN.
func urnName(urn string) string {
	return urn[strings.LastIndex(urn, "::")+2:]
}

func TestResourceTree(t *testing.T) {
	res := deploy(t, devSpec(t))
	type want struct{ name, typ, parent string }
	wants := []want{
		{"env", "pgsvc:index:Environment", ""},
		{"pg-test", "pgsvc:index:PgCluster", ""},
		{"pg-meta", "pgsvc:index:PgCluster", ""},
		{"infra-1", "pgsvc:index:Node", "env"},
		{"infra-1-etcd", "pgsvc:index:Etcd", "env"},
		{"infra-1-dnsmasq", "pgsvc:index:Dnsmasq", "env"},
		{"etcd-root-password", "random:index/randomPassword:RandomPassword", "env"},
		{"etcd-root", "command:remote:Command", "env"},
		{"etcd-auth", "command:remote:Command", "env"},
		{"pg-test-dns-infra-1", "command:remote:Command", "pg-test"},
		{"pg-meta-dns-infra-1", "command:remote:Command", "pg-meta"},
		{"pg-test-etcd-user", "command:remote:Command", "pg-test"},
		{"pg-meta-etcd-user", "command:remote:Command", "pg-meta"},
		{"pg-meta-1-postgres", "pgsvc:index:Postgres", "pg-meta"},
		{"pg-meta-1-pgbouncer", "pgsvc:index:PgBouncer", "pg-meta"},
		{"pg-meta-1-haproxy", "pgsvc:index:HAProxy", "pg-meta"},
		{"pg-meta-1-user-dbuser_view", "command:remote:Command", "pg-meta"},
		{"pg-meta-1-database-meta", "command:remote:Command", "pg-meta"},
	}
	for _, m := range []string{"pg-test-1", "pg-test-2", "pg-test-3"} {
		wants = append(wants,
			want{m, "pgsvc:index:Node", "env"},
			want{m + "-packages", "command:remote:Command", m},
			want{m + "-postgres", "pgsvc:index:Postgres", "pg-test"},
			want{m + "-postgres-patroni-yml", "command:remote:Command", m + "-postgres"},
			want{m + "-pgbouncer", "pgsvc:index:PgBouncer", "pg-test"},
			want{m + "-haproxy", "pgsvc:index:HAProxy", "pg-test"},
			want{m + "-vip-manager", "pgsvc:index:VipManager", "pg-test"},
			want{m + "-user-test", "command:remote:Command", "pg-test"},
			want{m + "-database-test", "command:remote:Command", "pg-test"},
		)
		for _, svc := range []string{"primary", "replica", "default", "offline"} {
			wants = append(wants,
				want{m + "-haproxy-" + svc, "pgsvc:index:Service", m + "-haproxy"},
				want{m + "-haproxy-" + svc + "-cfg", "command:remote:Command", m + "-haproxy-" + svc})
		}
	}
	for _, w := range wants {
		r, ok := res[w.name]
		if !ok {
			t.Errorf("%s (%s) not registered", w.name, w.typ)
			continue
		}
		if r.Type != w.typ {
			t.Errorf("%s: type %s, want %s", w.name, r.Type, w.typ)
		}
		if w.parent != "" && urnName(r.Parent) != w.parent {
			t.Errorf("%s: parent %s, want %s", w.name, urnName(r.Parent), w.parent)
		}
	}
	for _, absent := range []string{"pg-test-3-etcd", "infra-1-postgres", "infra-1-haproxy", "pg-test-1-dnsmasq", "pg-meta-1", "pg-meta-1-vip-manager"} {
		if _, ok := res[absent]; ok {
			t.Errorf("%s should not exist in the dev stack", absent)
		}
	}
}

func TestOrdering(t *testing.T) {
	res := deploy(t, devSpec(t))
	// within reports whether resource name is on or one of its descendants.
	within := func(name, on string) bool {
		for name != "" {
			if name == on {
				return true
			}
			r, ok := res[name]
			if !ok || r.Parent == "" {
				return false
			}
			name = urnName(r.Parent)
		}
		return false
	}
	// The SDK sends a dependency on a component as dependencies on its children.
	dependsOn := func(name, on string) bool {
		return slices.ContainsFunc(res[name].Deps, func(urn string) bool { return within(urnName(urn), on) })
	}
	cases := []struct{ name, on string }{
		{"pg-test-2-postgres-service", "pg-test-1-postgres"},
		{"pg-test-3-postgres-service", "pg-test-1-postgres"},
		{"pg-test-1-postgres-service", "infra-1-etcd"},
		{"pg-test-1-postgres-service", "pg-test-1-postgres-patroni-yml"},
		{"pg-test-1-packages", "pg-test-1-createcluster-conf"},
		{"pg-test-1-postgres-callback", "pg-test-1"},
		{"pg-test-1-postgres-patroni-yml", "pg-test-1-postgres-callback"},
		{"pg-test-2-user-test", "pg-test-2-base-roles"},
		{"pg-test-2-base-roles", "pg-test-3-postgres"},
		{"pg-test-1-haproxy-service", "pg-test-1-haproxy-replica"},
		// Patroni pulls PgBouncer in only once PgBouncer is configured and runs
		{"pg-test-1-pgbouncer-patroni-dropin", "pg-test-1-pgbouncer-service"},
		// the VIP follows the member's running Patroni
		{"pg-test-1-vip-manager-vip", "pg-test-1-postgres"},
		{"infra-1-etcd-service", "infra-1-etcd-env"},
		// every node waits for every node's preflight; etcd auth for every DCS client
		{"pg-test-1-createcluster-conf", "infra-1-preflight"},
		{"infra-1-createcluster-conf", "pg-test-3-preflight"},
		{"etcd-auth", "pg-test-1-postgres"},
		{"etcd-auth", "pg-meta-1-postgres"},
		// a cluster's etcd user exists before its DCS clients start
		{"pg-test-etcd-user", "etcd-root"},
		{"pg-test-1-postgres-service", "pg-test-etcd-user"},
		{"pg-meta-1-postgres-service", "pg-meta-etcd-user"},
		{"pg-meta-1-postgres-callback", "infra-1"},
		{"pg-test-dns-infra-1", "infra-1-dnsmasq"},
		// a service's file after HAProxy's base config and the cluster's last Patroni config:
		// Patroni's configs take turns, replicas first, the configured primary last
		{"pg-test-2-haproxy-primary-cfg", "pg-test-2-haproxy-cfg"},
		{"pg-test-2-haproxy-primary-cfg", "pg-test-1-postgres-patroni-yml"},
		{"pg-test-1-postgres-patroni-yml", "pg-test-2-postgres-patroni-yml"},
		{"pg-test-2-postgres-patroni-yml", "pg-test-3-postgres-patroni-yml"},
		// etcd members take turns; they read their certificate from the start
		{"pg-test-1-etcd-env", "infra-1-etcd-env"},
		{"pg-test-2-etcd-env", "pg-test-1-etcd-env"},
		{"infra-1-etcd-env", "infra-1-tls"},
		// a move of etcd to TLS ends member by member, once every DCS client speaks TLS
		{"infra-1-etcd-tls-finish", "pg-test-3-postgres"},
		{"pg-test-1-etcd-tls-finish", "infra-1-etcd-tls-finish"},
		{"infra-1-etcd-tls-finish", "etcd-auth"},
	}
	for _, c := range cases {
		if _, ok := res[c.name]; !ok {
			t.Errorf("%s not registered", c.name)
			continue
		}
		if !dependsOn(c.name, c.on) {
			t.Errorf("%s does not depend on %s (deps: %v)", c.name, c.on, res[c.name].Deps)
		}
	}
	if dependsOn("pg-test-1-postgres-service", "pg-test-2-postgres") {
		t.Error("the primary must not wait for a replica")
	}
}

// plainStrings walks a property tree and reports each string found outside any secret.
func plainStrings(v resource.PropertyValue, path string, visit func(path, s string)) {
	switch {
	case v.IsSecret():
		return
	case v.IsString():
		visit(path, v.StringValue())
	case v.IsObject():
		for k, e := range v.ObjectValue() {
			plainStrings(e, path+"."+string(k), visit)
		}
	case v.IsArray():
		for i, e := range v.ArrayValue() {
			plainStrings(e, fmt.Sprintf("%s[%d]", path, i), visit)
		}
	case v.IsOutput():
		plainStrings(v.OutputValue().Element, path, visit)
	}
}

func TestPasswordsStaySecret(t *testing.T) {
	res := deploy(t, devSpec(t))
	var passwords []string
	for name, r := range res {
		if r.Type == "random:index/randomPassword:RandomPassword" {
			passwords = append(passwords, "pw-"+name)
		}
	}
	if len(passwords) != 19 {
		t.Fatalf("%d passwords, want etcd root + 5 system and 5 users for pg-test + 5 system and 3 users for pg-meta", len(passwords))
	}
	for name, r := range res {
		plainStrings(resource.NewObjectProperty(r.Inputs), name, func(path, s string) {
			for _, pw := range passwords {
				if strings.Contains(s, pw) {
					t.Errorf("%s holds password %s outside a secret", path, pw)
				}
			}
			if strings.Contains(s, "test-key") {
				t.Errorf("%s holds the SSH key outside a secret", path)
			}
		})
	}
	for _, name := range []string{"pg-test-1-postgres-patroni-yml", "pg-test-1-pgbouncer-userlist", "pg-test-1-haproxy-cfg", "pg-test-1-user-test", "pg-test-etcd-user", "pg-meta-etcd-user", "etcd-root", "etcd-auth", "pg-meta-1-postgres-patroni-yml"} {
		if !res[name].Inputs["stdin"].IsSecret() {
			t.Errorf("%s: stdin is not secret", name)
		}
	}
}

// TestMaxConnEditTouchesOnlyHAProxy compares two runs that differ in one service's maxconn.
func TestMaxConnEditTouchesOnlyHAProxy(t *testing.T) {
	before := deploy(t, devSpec(t))
	cfg := devConfig(t)
	cli.ClusterConfig(cfg, "pg-test")["services"] = nil
	edited := loadStack(t, cfg)
	pgTest := edited.Find("pg-test")
	pgTest.DefaultServices = nil
	for _, s := range devSpec(t).Find("pg-test").AllServices() {
		if s.Name == "replica" {
			s.MaxConn = 1234
		}
		pgTest.Services = append(pgTest.Services, s)
	}
	after := deploy(t, edited)
	var changed []string
	for name, r := range after {
		b, ok := before[name]
		if !ok {
			t.Errorf("%s appeared", name)
			continue
		}
		if !b.Inputs.DeepEquals(r.Inputs) {
			changed = append(changed, name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("%s disappeared", name)
		}
	}
	sort.Strings(changed)
	want := []string{"pg-test-1-haproxy-replica-cfg", "pg-test-2-haproxy-replica-cfg", "pg-test-3-haproxy-replica-cfg"}
	if !slices.Equal(changed, want) {
		t.Errorf("changed resources %v, want %v", changed, want)
	}
}

// TestLoginUser: a root login runs every command as it is; any other login runs every command
// but the preflight checks through sudo, which never asks for a password.
func TestLoginUser(t *testing.T) {
	for _, tc := range []struct {
		user string
		sudo bool
	}{{"root", false}, {"pgsvc-admin", true}} {
		spec := devSpec(t)
		spec.SSH.User = tc.user
		n := 0
		for name, r := range deploy(t, spec) {
			if r.Type != "command:remote:Command" {
				continue
			}
			n++
			for _, op := range []string{"create", "delete"} {
				cmd, ok := r.Inputs[resource.PropertyKey(op)]
				if !ok {
					continue
				}
				want := tc.sudo && !strings.HasSuffix(name, "-preflight")
				if got := strings.HasPrefix(mock.Str(cmd), "sudo -n "); got != want {
					t.Errorf("login %s: %s %s through sudo = %v, want %v", tc.user, name, op, got, want)
				}
			}
		}
		if n == 0 {
			t.Fatalf("login %s: no remote commands", tc.user)
		}
	}
}

// TestAddingAClusterTouchesOnlyIt: a third cluster on a node of its own adds that node, the
// cluster's resources, its DNS records and its etcd user, and leaves every existing resource's
// inputs as they were (so removing it again changes nothing else either).
func TestAddingAClusterTouchesOnlyIt(t *testing.T) {
	before := deploy(t, devSpec(t))
	cfg := devConfig(t)
	cfg["pgsvc:clusters"] = append(cfg["pgsvc:clusters"].([]any), map[string]any{
		"name":      "pg-solo",
		"members":   []any{map[string]any{"seq": 1, "ip": lab.Solo1.IP, "role": "primary"}},
		"users":     []any{map[string]any{"name": "test", "roles": []any{"dbrole_admin"}}},
		"databases": []any{map[string]any{"name": "test", "owner": "test"}},
	})
	after := deploy(t, loadStack(t, cfg))
	// ownedBy reports whether name is the new cluster, its node, one of their descendants, or
	// (as the node's preflight check) named after either.
	ownedBy := func(name string) bool {
		for name != "" {
			if name == "pg-solo" || strings.HasPrefix(name, "pg-solo-") {
				return true
			}
			r := after[name]
			if r == nil || r.Parent == "" {
				return false
			}
			name = urnName(r.Parent)
		}
		return false
	}
	added := 0
	for name, r := range after {
		b, existed := before[name]
		switch {
		case !existed && !ownedBy(name):
			t.Errorf("%s was added outside the new cluster and its node", name)
		case !existed:
			added++
		case !b.Inputs.DeepEquals(r.Inputs):
			t.Errorf("%s changed", name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("%s disappeared", name)
		}
	}
	for _, name := range []string{"pg-solo-dns-infra-1", "pg-solo-etcd-user", "pg-solo-1-preflight", "pg-solo-1-postgres"} {
		if _, ok := after[name]; !ok {
			t.Errorf("%s not registered", name)
		}
	}
	if added < 20 {
		t.Errorf("only %d resources added", added)
	}
}

// TestLegacyAliases: the environment's resources claim their places in a stack deployed before
// stacks held several clusters (under the one PgCluster), so an upgrade moves them.
func TestLegacyAliases(t *testing.T) {
	res := deploy(t, devSpec(t))
	under := "urn:pulumi:dev::pgsvc::pgsvc:index:PgCluster::pg-test"
	for name, want := range map[string]string{
		"infra-1":            " under " + under,
		"infra-1-preflight":  " under " + under,
		"infra-1-etcd":       " under " + under,
		"infra-1-dnsmasq":    " under " + under,
		"etcd-root-password": "pg-test-password-etcd-root under " + under,
		"etcd-auth":          "pg-test-etcd-auth under " + under,
	} {
		if !slices.Contains(res[name].Aliases, want) {
			t.Errorf("%s: aliases %q, want %q", name, res[name].Aliases, want)
		}
	}
}
