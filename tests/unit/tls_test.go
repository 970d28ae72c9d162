package unit

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"pgsvc/stacks"
	"pgsvc/tests/lab"
	"pgsvc/tests/mock"
)

func strs(v resource.PropertyValue) []string {
	var out []string
	for _, e := range mock.Plain(v).ArrayValue() {
		out = append(out, e.StringValue())
	}
	return out
}

// TestCertificatesCoverEveryHostForm: each node's certificate request names every host form of
// its cluster, since any of them may route to it.
func TestCertificatesCoverEveryHostForm(t *testing.T) {
	res := deploy(t, devSpec(t))
	for _, tc := range []struct {
		csr      string
		dns, ips []string
	}{
		{"pg-test-1-tls-csr", []string{"pg-test", "pg-test-1", "pg-test-2", "pg-test-3", "localhost"}, []string{lab.PgTest1.IP, lab.PgTest2.IP, lab.PgTest3.IP, lab.VIP, "127.0.0.1"}},
		{"infra-1-tls-csr", []string{"infra-1", "pg-meta", "pg-meta-1"}, []string{lab.Infra1.IP}},
	} {
		r, ok := res[tc.csr]
		if !ok {
			t.Fatalf("no %s", tc.csr)
		}
		dns, ips := strs(r.Inputs["dnsNames"]), strs(r.Inputs["ipAddresses"])
		for _, n := range tc.dns {
			if !slices.Contains(dns, n) {
				t.Errorf("%s: DNS names %v lack %s", tc.csr, dns, n)
			}
		}
		for _, ip := range tc.ips {
			if !slices.Contains(ips, ip) {
				t.Errorf("%s: addresses %v lack %s", tc.csr, ips, ip)
			}
		}
	}
}

// TestPrivateKeysStaySecret: keys reach the certificates and the nodes only as secrets.
func TestPrivateKeysStaySecret(t *testing.T) {
	res := deploy(t, devSpec(t))
	for name, r := range res {
		for _, k := range []string{"privateKeyPem", "caPrivateKeyPem"} {
			if v, ok := r.Inputs[resource.PropertyKey(k)]; ok && !v.IsSecret() {
				t.Errorf("%s: %s is not secret", name, k)
			}
		}
		plainStrings(resource.NewObjectProperty(r.Inputs), name, func(path, s string) {
			if strings.Contains(s, "key of ") {
				t.Errorf("%s holds a private key outside a secret", path)
			}
		})
	}
	if !res["pg-test-1-tls-postgres.key"].Inputs["stdin"].IsSecret() {
		t.Error("the key file's content is not secret")
	}
}

// TestTLSRotation: a new rotation label issues every node a new key and certificate and writes
// them; the CA stays.
func TestTLSRotation(t *testing.T) {
	before := deploy(t, devSpec(t))
	cfg := devConfig(t)
	cfg[stacks.KeyTLS] = map[string]any{"rotation": "r2"}
	after := deploy(t, loadStack(t, cfg))
	for _, name := range []string{"ca-key", "ca-cert", "pg-test-1-tls-ca.crt"} {
		if !before[name].Inputs.DeepEquals(after[name].Inputs) {
			t.Errorf("%s changed on rotation", name)
		}
	}
	if _, ok := after["pg-test-1-tls-key-r2"]; !ok {
		t.Error("no new key pg-test-1-tls-key-r2")
	}
	if _, ok := after["pg-test-1-tls-key"]; ok {
		t.Error("the old key pg-test-1-tls-key is still registered")
	}
	for _, name := range []string{"pg-test-1-tls-csr", "pg-test-1-tls-postgres.key"} {
		if before[name].Inputs.DeepEquals(after[name].Inputs) {
			t.Errorf("%s did not change on rotation", name)
		}
	}
}

// TestWebTLSFollowsMode: with TLS on (prefer or require), Patroni serves its REST API over HTTPS
// with the node's certificate, HAProxy checks it over TLS verifying the member's name against the
// CA, and the readiness waits ask over HTTPS; with TLS off, all of it stays plain HTTP.
func TestWebTLSFollowsMode(t *testing.T) {
	for _, mode := range []string{stacks.TLSOff, stacks.TLSPrefer, stacks.TLSRequire} {
		t.Run(mode, func(t *testing.T) {
			cfg := devConfig(t)
			for _, c := range cfg[stacks.KeyClusters].([]any) {
				c.(map[string]any)["tls"] = mode
			}
			spec := loadStack(t, cfg)
			res := deploy(t, spec)
			on := mode != stacks.TLSOff
			files := nodeFiles(t, spec, res)["pg-test-2"]
			patroni := files[lab.PatroniConfig]
			if got := strings.Contains(patroni, "certfile: /etc/pgsvc/tls/server.crt") && strings.Contains(patroni, "cacert: /etc/pgsvc/tls/ca.crt"); got != on {
				t.Errorf("Patroni REST over HTTPS = %v, want %v:\n%s", got, on, patroni)
			}
			check := fmt.Sprintf("server pg-test-1 %s:%d check port %d check-ssl verify required ca-file /etc/pgsvc/tls/ca.crt verifyhost pg-test-1 weight",
				lab.PgTest1.IP, lab.Ports.PgBouncer, lab.Ports.Patroni)
			if got := strings.Contains(files["/etc/haproxy/services/pg-test-primary.cfg"], check); got != on {
				t.Errorf("HAProxy checks over TLS = %v, want %v:\n%s", got, on, files["/etc/haproxy/services/pg-test-primary.cfg"])
			}
			wait := mock.Str(res["pg-test-2-postgres-service"].Inputs["create"])
			want := fmt.Sprintf("'http://127.0.0.1:%d/health'", lab.Ports.Patroni)
			if on {
				want = fmt.Sprintf("--cacert '/etc/pgsvc/tls/ca.crt' -w '%%{http_code}' 'https://127.0.0.1:%d/health'", lab.Ports.Patroni)
			}
			if !strings.Contains(wait, want) {
				t.Errorf("readiness wait lacks %s:\n%s", want, wait)
			}
		})
	}
}
