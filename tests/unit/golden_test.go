package unit

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"maps"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"gopkg.in/yaml.v3"

	"pgsvc/render"
	"pgsvc/stacks"
	"pgsvc/tests/lab"
	"pgsvc/tests/mock"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current templates")

var filePath = regexp.MustCompile(`^set -euo pipefail\nf='([^']+)'\n`)

// nodeFiles collects, per node name, every file the deployment writes: path -> content.
func nodeFiles(t *testing.T, spec *stacks.Spec, res map[string]*mock.Registered) map[string]map[string]string {
	t.Helper()
	byIP := map[string]string{}
	for _, m := range spec.Machines() {
		byIP[m.IP] = m.Name
	}
	out := map[string]map[string]string{}
	for _, r := range res {
		if r.Type != "command:remote:Command" {
			continue
		}
		m := filePath.FindStringSubmatch(mock.Str(r.Inputs["create"]))
		if m == nil {
			continue
		}
		node := byIP[mock.Str(mock.Plain(r.Inputs["connection"]).ObjectValue()["host"])]
		if out[node] == nil {
			out[node] = map[string]string{}
		}
		if _, dup := out[node][m[1]]; dup {
			t.Errorf("%s: two resources write %s", node, m[1])
		}
		out[node][m[1]] = mock.Str(r.Inputs["stdin"])
	}
	return out
}

func TestGoldenFiles(t *testing.T) {
	spec := devSpec(t)
	golden := map[string]string{}
	for node, byPath := range nodeFiles(t, spec, deploy(t, spec)) {
		for path, content := range byPath {
			golden[filepath.Join(node, filepath.FromSlash(strings.TrimPrefix(path, "/")))] = content
		}
	}
	checkGolden(t, filepath.Join("testdata", "golden"), golden)
}

// TestGoldenCommands keeps every script that remote commands run on pg-test-1 and infra-1
// (between them, every kind of command) as a golden file: <node>/<resource>.<create|delete>.sh.
func TestGoldenCommands(t *testing.T) {
	spec := devSpec(t)
	nodes := map[string]string{}
	for _, m := range spec.Machines() {
		if m.Name == "pg-test-1" || m.Name == "infra-1" {
			nodes[m.IP] = m.Name
		}
	}
	golden := map[string]string{}
	for name, r := range deploy(t, spec) {
		if r.Type != "command:remote:Command" {
			continue
		}
		node := nodes[mock.Str(mock.Plain(r.Inputs["connection"]).ObjectValue()["host"])]
		if node == "" {
			continue
		}
		for _, op := range []string{"create", "delete"} {
			if text := mock.Str(r.Inputs[resource.PropertyKey(op)]); text != "" {
				golden[filepath.Join(node, name+"."+op+".sh")] = text
			}
		}
	}
	checkGolden(t, filepath.Join("testdata", "commands"), golden)
}

// checkGolden compares contents by relative path with the files under dir, or with -update
// rewrites dir to hold exactly them.
func checkGolden(t *testing.T, dir string, contents map[string]string) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for rel, content := range contents {
		golden := filepath.Join(dir, rel)
		seen[golden] = true
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("no golden file %s (run go test ./tests/unit -update): %v", golden, err)
			continue
		}
		if string(want) != content {
			t.Errorf("%s differs (run go test ./tests/unit -update to accept):\n%s", golden, content)
		}
	}
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !seen[p] {
			t.Errorf("stale golden file %s: nothing renders it", p)
		}
		return nil
	})
}

// TestExpectedFilesPerNode: each node gets exactly the files of the daemons it runs
// (render.NodeDaemons), its certificate files, and its roles' own files; the dev stack's
// anchors hold (the VIP keeper only on pg-test, etcd on its three members).
func TestExpectedFilesPerNode(t *testing.T) {
	spec := devSpec(t)
	files := nodeFiles(t, spec, deploy(t, spec))
	for _, m := range spec.Machines() {
		want := []string{render.CACertPath, render.ServerCertPath}
		in := render.NodeInput(spec, m)
		for _, d := range render.NodeDaemons(spec, m) {
			want = append(want, d.Paths(in)...)
		}
		if spec.RunsEtcd(m.Name) {
			want = append(want, render.EtcdKeyPath)
		}
		if m.Infra {
			for i := range spec.Clusters {
				want = append(want, render.DNSHosts(&spec.Clusters[i]).Path)
			}
		}
		if c := m.Cluster; c != nil {
			want = append(want, render.PostgresKeyPath, render.HAProxyPEMPath, render.CreateClusterConf().Path)
			for _, svc := range c.AllServices() {
				want = append(want, render.HAProxyService(c, svc).Path)
			}
		}
		got := slices.Sorted(maps.Keys(files[m.Name]))
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s writes:\n%s\nwant:\n%s", m.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	for node, anchors := range map[string]map[string]bool{
		"infra-1":   {render.VipScript: false, "/etc/default/etcd": true, "/etc/dnsmasq.d/pgsvc.conf": true, "/etc/haproxy/services/pg-meta-primary.cfg": true},
		"pg-test-1": {render.VipScript: true, "/etc/default/etcd": true, "/etc/dnsmasq.d/pgsvc.conf": false},
		"pg-test-3": {render.VipScript: true, "/etc/default/etcd": false, "/etc/haproxy/services/pg-test-offline.cfg": true},
	} {
		for path, want := range anchors {
			if _, got := files[node][path]; got != want {
				t.Errorf("%s writes %s: %v, want %v", node, path, got, want)
			}
		}
	}
}

// TestHAProxyAcceptsConfigs runs the real haproxy -c on every node's full configuration.
func TestHAProxyAcceptsConfigs(t *testing.T) {
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		t.Skip("haproxy is not installed (make test installs Debian's haproxy)")
	}
	spec := devSpec(t)
	for node, byPath := range nodeFiles(t, spec, deploy(t, spec)) {
		cfg, ok := byPath["/etc/haproxy/haproxy.cfg"]
		if !ok {
			continue
		}
		dir := t.TempDir()
		services := filepath.Join(dir, "services")
		if err := os.MkdirAll(services, 0o755); err != nil {
			t.Fatal(err)
		}
		lua := filepath.Join(dir, filepath.Base(render.HAProxyHoldPath))
		if err := os.WriteFile(lua, []byte(byPath[render.HAProxyHoldPath]), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg = strings.ReplaceAll(cfg, render.HAProxyHoldPath, lua)
		cert, key := selfSigned(t)
		pem := filepath.Join(dir, "haproxy.pem")
		if err := os.WriteFile(pem, append(cert, key...), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg = strings.ReplaceAll(cfg, render.HAProxyPEMPath, pem)
		ca := filepath.Join(dir, "ca.crt")
		if err := os.WriteFile(ca, cert, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "haproxy.cfg"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		n := 0
		for p, content := range byPath {
			if strings.HasPrefix(p, render.HAProxyServicesDir+"/") {
				n++
				content = strings.ReplaceAll(content, render.CACertPath, ca)
				if err := os.WriteFile(filepath.Join(services, filepath.Base(p)), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		if want := len(spec.Find(clusterOf(spec, node)).AllServices()); n != want {
			t.Errorf("%s: %d service files, want %d", node, n, want)
		}
		var out bytes.Buffer
		cmd := exec.Command(haproxy, "-c", "-f", filepath.Join(dir, "haproxy.cfg"), "-f", services)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Errorf("%s: haproxy -c rejected the config: %v\n%s", node, err, out.String())
		}
	}
}

// selfSigned is a self-signed certificate and its key, PEM-encoded: HAProxy's ssl crt reads
// both from one file, its ca-file the certificate.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func TestYAMLFilesParse(t *testing.T) {
	spec := devSpec(t)
	for node, byPath := range nodeFiles(t, spec, deploy(t, spec)) {
		for p, content := range byPath {
			if !strings.HasSuffix(p, ".yml") {
				continue
			}
			var doc map[string]any
			if err := yaml.Unmarshal([]byte(content), &doc); err != nil {
				t.Errorf("%s %s: %v", node, p, err)
			}
			if p == lab.PatroniConfig {
				pg := doc["postgresql"].(map[string]any)
				name, _ := doc["name"].(string)
				if spec.MachineName(name) != node || pg["connect_address"] != fmt.Sprintf("%s:%d", spec.NodeIPs()[node], lab.Ports.Postgres) {
					t.Errorf("%s: patroni name/address wrong: %v %v", node, doc["name"], pg["connect_address"])
				}
			}
		}
	}
}

// clusterOf is the name of the cluster whose member runs on node.
func clusterOf(spec *stacks.Spec, node string) string {
	for _, m := range spec.Machines() {
		if m.Name == node && m.Cluster != nil {
			return m.Cluster.Name
		}
	}
	return ""
}
