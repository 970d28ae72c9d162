package unit

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgsvc/render"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
	"pgsvc/tests/lab"
)

// labScript is what lab/lab sets at its top: scalar variables, arrays, and the node table.
type labScript struct {
	vars   map[string]string
	arrays map[string][]string
	nodeIP map[string]string
}

var (
	labScalar = regexp.MustCompile(`(?m)^([A-Z_]+)=([^(\s]\S*)$`)
	labArray  = regexp.MustCompile(`(?m)^([A-Z_]+)=\(([^)]*)\)$`)
	labNodeIP = regexp.MustCompile(`(?s)declare -A NODE_IP=\((.*?)\)`)
	labEntry  = regexp.MustCompile(`\[([a-z0-9-]+)\]=(\S+)`)
	labRef    = regexp.MustCompile(`\$([A-Z_]+)`)
)

func readLabScript(t *testing.T) labScript {
	t.Helper()
	raw, err := os.ReadFile(lab.Script())
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	s := labScript{vars: map[string]string{}, arrays: map[string][]string{}, nodeIP: map[string]string{}}
	for _, m := range labScalar.FindAllStringSubmatch(text, -1) {
		// Earlier variables only, as bash expands them.
		s.vars[m[1]] = labRef.ReplaceAllStringFunc(m[2], func(ref string) string { return s.vars[ref[1:]] })
	}
	for _, m := range labArray.FindAllStringSubmatch(text, -1) {
		s.arrays[m[1]] = strings.Fields(m[2])
	}
	table := labNodeIP.FindStringSubmatch(text)
	if table == nil {
		t.Fatal("lab/lab has no NODE_IP table")
	}
	for _, m := range labEntry.FindAllStringSubmatch(table[1], -1) {
		s.nodeIP[m[1]] = m[2]
	}
	return s
}

func nodeNames(nodes []lab.Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Name)
	}
	return out
}

// TestLabFixtureMatchesLabScript holds tests/lab's description of the lab to lab/lab's.
func TestLabFixtureMatchesLabScript(t *testing.T) {
	s := readLabScript(t)
	for name, want := range map[string][]string{"NODES": nodeNames(lab.Nodes), "ON_DEMAND": nodeNames(lab.OnDemand)} {
		if got := s.arrays[name]; !slices.Equal(got, want) {
			t.Errorf("lab/lab %s = %v, the fixture has %v", name, got, want)
		}
	}
	fixture := map[string]string{}
	for _, n := range append(slices.Clone(lab.Nodes), lab.OnDemand...) {
		fixture[n.Name] = n.IP
	}
	for name, ip := range s.nodeIP {
		if fixture[name] != ip {
			t.Errorf("lab/lab's NODE_IP has %s at %s, the fixture at %q", name, ip, fixture[name])
		}
	}
	if len(s.nodeIP) != len(fixture) {
		t.Errorf("lab/lab's NODE_IP has %d nodes, the fixture %d", len(s.nodeIP), len(fixture))
	}
	for name, want := range map[string]string{
		"BRIDGE": lab.Bridge, "HOST_IP": lab.HostIP, "PREFIX_LEN": strconv.Itoa(lab.PrefixLen),
		"KEY": lab.Key, "ACNG_PORT": strconv.Itoa(lab.Ports.AptProxy),
	} {
		if got := s.vars[name]; got != want {
			t.Errorf("lab/lab %s = %q, the fixture has %q", name, got, want)
		}
	}
}

// TestLabFixtureMatchesDevStack holds tests/lab's description of the lab to the dev stack's
// config: its key, its machines, the VIP, the ports, and where Patroni's config is.
func TestLabFixtureMatchesDevStack(t *testing.T) {
	if got := committedDevConfig(t)[stacks.KeySSH].(map[string]any)["privateKeyFile"]; got != lab.Key {
		t.Errorf("Pulumi.dev.yaml's SSH key is %v, the fixture's %s", got, lab.Key)
	}
	spec := devSpec(t)
	var machines []lab.Node
	for _, m := range spec.Machines() {
		machines = append(machines, lab.Node{Name: m.Name, IP: m.IP})
	}
	if !slices.Equal(machines, lab.Nodes) {
		t.Errorf("the dev stack's machines are %v, the fixture's nodes %v", machines, lab.Nodes)
	}
	test := spec.Find(cli.TestCluster)
	if test.VIP.Address != lab.VIP || test.VIP.Prefix != lab.PrefixLen {
		t.Errorf("pg-test's VIP is %s/%d, the fixture's %s/%d", test.VIP.Address, test.VIP.Prefix, lab.VIP, lab.PrefixLen)
	}
	if spec.Etcd.ClientPort != lab.Ports.Etcd {
		t.Errorf("etcd's client port is %d, the fixture's %d", spec.Etcd.ClientPort, lab.Ports.Etcd)
	}
	for _, c := range spec.Clusters {
		for what, ports := range map[string][2]int{
			"postgres":  {c.Ports.Postgres, lab.Ports.Postgres},
			"pgbouncer": {c.Ports.PgBouncer, lab.Ports.PgBouncer},
			"patroni":   {c.Ports.Patroni, lab.Ports.Patroni},
		} {
			if ports[0] != ports[1] {
				t.Errorf("%s's %s port is %d, the fixture's %d", c.Name, what, ports[0], ports[1])
			}
		}
		if got := render.PatroniConfig(spec, &c, c.Members[0], render.Secrets{}).Path; got != lab.PatroniConfig {
			t.Errorf("%s's Patroni config is %s, the fixture's %s", c.Name, got, lab.PatroniConfig)
		}
	}
	// Every built-in service, on a pg-test whose third member is delayed (or the delayed
	// service would have no member).
	cfg := devConfig(t)
	cl := cli.ClusterConfig(cfg, cli.TestCluster)
	cl["defaultServices"] = []any{"primary", "replica", "standby", "default", "delayed", "offline"}
	cl["members"].([]any)[2].(map[string]any)["delay"] = "1h"
	want := map[string]int{
		"primary": lab.Ports.Primary, "replica": lab.Ports.Replica, "standby": lab.Ports.Standby,
		"default": lab.Ports.Default, "delayed": lab.Ports.Delayed, "offline": lab.Ports.Offline,
	}
	for _, svc := range loadStack(t, cfg).Find(cli.TestCluster).AllServices() {
		if svc.Port != want[svc.Name] {
			t.Errorf("service %s is on port %d, the fixture's %d", svc.Name, svc.Port, want[svc.Name])
		}
	}
}

// TestLabSecretFile runs the fixture's secret copy on a rendered Patroni config: the copy holds
// the value alone, mode 0600, and is gone when the script ends.
func TestLabSecretFile(t *testing.T) {
	config := filepath.Join("testdata", "golden", "pg-test-1", "etc", "patroni", "config.yml")
	script := lab.SecretFile("pw", config, "etcd", "password") + `stat -c %a "$pw"; cat "$pw"; echo "$lab_secrets"`
	out, err := exec.Command("bash", "-c", script).Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || lines[0] != "600" || lines[1] != "pw-pg-test-password-etcd-cluster" {
		t.Fatalf("the secret's copy: %q, want mode 600 and the etcd password", out)
	}
	if _, err := os.Stat(lines[2]); !os.IsNotExist(err) {
		t.Errorf("the secret's directory %s outlives the script: %v", lines[2], err)
	}
	if _, err := exec.Command("bash", "-c", lab.SecretFile("pw", config, "etcd", "nokey")).Output(); err == nil {
		t.Error("a missing key is not an error")
	}
}
