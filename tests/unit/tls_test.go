package unit

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"pgsvc/stacks"
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
		{"pg-test-1-tls-csr", []string{"pg-test", "pg-test-1", "pg-test-2", "pg-test-3", "localhost"}, []string{"10.213.0.11", "10.213.0.12", "10.213.0.13", "10.213.0.3", "127.0.0.1"}},
		{"infra-1-tls-csr", []string{"infra-1", "pg-meta", "pg-meta-1"}, []string{"10.213.0.10"}},
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
