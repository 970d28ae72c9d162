package provider

import (
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"golang.org/x/crypto/ssh"
)

// TestPrivateKey creates each kind of key with the SDK's property names and
// checks every output the SDK reads.
func TestPrivateKey(t *testing.T) {
	tests := []struct {
		name      string
		inputs    map[string]property.Value
		wantBits  int
		wantCurve string
		wantPEM   string
		wantSSH   bool
	}{
		{"RSA with defaults", map[string]property.Value{"algorithm": str("RSA")}, 2048, "P224", "RSA PRIVATE KEY", true},
		{"RSA 3072", map[string]property.Value{"algorithm": str("RSA"), "rsaBits": num(3072)}, 3072, "P224", "RSA PRIVATE KEY", true},
		{"ECDSA default curve P224", map[string]property.Value{"algorithm": str("ECDSA")}, 2048, "P224", "EC PRIVATE KEY", false},
		{"ECDSA P384", map[string]property.Value{"algorithm": str("ECDSA"), "ecdsaCurve": str("P384")}, 2048, "P384", "EC PRIVATE KEY", true},
		{"ED25519", map[string]property.Value{"algorithm": str("ED25519")}, 2048, "P224", "PRIVATE KEY", true},
	}
	s := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRes(t, s, PrivateKey, "key")
			r.mustCreate(tt.inputs)

			if len(r.id) != 40 {
				t.Errorf("id = %q, want a SHA-1 hex", r.id)
			}
			if got := r.state.Get("rsaBits"); !got.IsNumber() || int(got.AsNumber()) != tt.wantBits {
				t.Errorf("rsaBits = %v, want %d", got, tt.wantBits)
			}
			if got := r.output("ecdsaCurve"); got != tt.wantCurve {
				t.Errorf("ecdsaCurve = %q, want %q", got, tt.wantCurve)
			}
			block, _ := pem.Decode([]byte(r.secretOutput("privateKeyPem")))
			if block == nil || block.Type != tt.wantPEM {
				t.Errorf("privateKeyPem is not a %s PEM", tt.wantPEM)
			}
			if !strings.HasPrefix(r.secretOutput("privateKeyPemPkcs8"), "-----BEGIN PRIVATE KEY-----") {
				t.Error("privateKeyPemPkcs8 is not PKCS#8")
			}
			if !strings.HasPrefix(r.output("publicKeyPem"), "-----BEGIN PUBLIC KEY-----") {
				t.Error("publicKeyPem is not a public key")
			}
			for _, name := range []string{"publicKeyPem", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256"} {
				if r.state.Get(name).Secret() {
					t.Errorf("%s is secret", name)
				}
			}
			opensshKey := r.secretOutput("privateKeyOpenssh")
			if !tt.wantSSH {
				if opensshKey != "" || r.output("publicKeyOpenssh") != "" {
					t.Error("OpenSSH forms set for ECDSA P224")
				}
				return
			}
			signer, err := ssh.ParsePrivateKey([]byte(opensshKey))
			if err != nil {
				t.Fatalf("privateKeyOpenssh: %v", err)
			}
			authorized, _, _, _, err := ssh.ParseAuthorizedKey([]byte(r.output("publicKeyOpenssh")))
			if err != nil {
				t.Fatalf("publicKeyOpenssh: %v", err)
			}
			if ssh.FingerprintSHA256(signer.PublicKey()) != ssh.FingerprintSHA256(authorized) ||
				r.output("publicKeyFingerprintSha256") != ssh.FingerprintSHA256(authorized) ||
				r.output("publicKeyFingerprintMd5") != ssh.FingerprintLegacyMD5(authorized) {
				t.Error("OpenSSH private key, public key and fingerprints disagree")
			}
			if err := r.delete(); err != nil {
				t.Errorf("delete: %v", err)
			}
		})
	}
}

// TestPreviewDoesNotGenerate: a preview leaves every generated output unknown
// and mirrors the inputs.
func TestPreviewDoesNotGenerate(t *testing.T) {
	s := newServer(t)
	key := newRes(t, s, PrivateKey, "key").preview(map[string]property.Value{"algorithm": str("ED25519")})
	for _, name := range []string{"privateKeyPem", "privateKeyOpenssh", "publicKeyPem", "publicKeyFingerprintSha256"} {
		if !key.Get(name).IsComputed() {
			t.Errorf("preview %s = %v, want unknown", name, key.Get(name))
		}
	}
	if key.Get("algorithm").AsString() != "ED25519" {
		t.Errorf("preview algorithm = %v", key.Get("algorithm"))
	}

	// The key of a PrivateKey being created is unknown; the certificate's
	// Check must accept that and its preview must not issue anything.
	cert := newRes(t, s, SelfSignedCert, "cert").preview(map[string]property.Value{
		"privateKeyPem":       unknown(),
		"validityPeriodHours": num(24),
		"allowedUses":         strs("cert_signing"),
		"isCaCertificate":     boolean(true),
		"subject":             obj(map[string]property.Value{"commonName": str("ca")}),
	})
	for _, name := range []string{"certPem", "keyAlgorithm", "validityStartTime", "validityEndTime", "readyForRenewal"} {
		if !cert.Get(name).IsComputed() {
			t.Errorf("preview %s = %v, want unknown", name, cert.Get(name))
		}
	}
}

// pki creates, through the provider, a CA (PrivateKey + SelfSignedCert) and
// a server certificate (PrivateKey + CertRequest + LocallySignedCert).
type pki struct {
	caKey, ca, leafKey, csr, leaf *res
}

func createPKI(t *testing.T, caAlg, leafAlg map[string]property.Value, leafUses []string) pki {
	t.Helper()
	s := newServer(t)
	var k pki
	k.caKey = newRes(t, s, PrivateKey, "ca-key")
	k.caKey.mustCreate(caAlg)
	k.ca = newRes(t, s, SelfSignedCert, "ca")
	k.ca.mustCreate(map[string]property.Value{
		"privateKeyPem":       secret(k.caKey.output("privateKeyPem")),
		"validityPeriodHours": num(24 * 365),
		"earlyRenewalHours":   num(24 * 30),
		"allowedUses":         strs("cert_signing", "crl_signing"),
		"isCaCertificate":     boolean(true),
		"setSubjectKeyId":     boolean(true),
		"subject": obj(map[string]property.Value{
			"commonName":   str("pgsvc CA"),
			"organization": str("pgsvc"),
		}),
	})
	k.leafKey = newRes(t, s, PrivateKey, "leaf-key")
	k.leafKey.mustCreate(leafAlg)
	k.csr = newRes(t, s, CertRequest, "leaf-csr")
	k.csr.mustCreate(map[string]property.Value{
		"privateKeyPem": secret(k.leafKey.output("privateKeyPem")),
		"subject":       obj(map[string]property.Value{"commonName": str("db.pgsvc"), "organization": str("pgsvc")}),
		"dnsNames":      strs("db.pgsvc", "localhost"),
		"ipAddresses":   strs("10.213.0.11", "127.0.0.1"),
		"uris":          strs("spiffe://pgsvc/db"),
	})
	k.leaf = newRes(t, s, LocallySignedCert, "leaf")
	k.leaf.mustCreate(map[string]property.Value{
		"certRequestPem":      str(k.csr.output("certRequestPem")),
		"caPrivateKeyPem":     secret(k.caKey.output("privateKeyPem")),
		"caCertPem":           str(k.ca.output("certPem")),
		"validityPeriodHours": num(72),
		"allowedUses":         strs(leafUses...),
	})
	return k
}

func TestCertificateChain(t *testing.T) {
	tests := []struct {
		name       string
		caAlg      map[string]property.Value
		leafAlg    map[string]property.Value
		caKeyAlg   string
		leafKeyAlg string
	}{
		{"ECDSA P256 CA, RSA server", map[string]property.Value{"algorithm": str("ECDSA"), "ecdsaCurve": str("P256")},
			map[string]property.Value{"algorithm": str("RSA")}, "ECDSA", "RSA"},
		{"RSA CA, ED25519 server", map[string]property.Value{"algorithm": str("RSA")},
			map[string]property.Value{"algorithm": str("ED25519")}, "RSA", "ED25519"},
		{"ED25519 CA, ECDSA P224 server", map[string]property.Value{"algorithm": str("ED25519")},
			map[string]property.Value{"algorithm": str("ECDSA")}, "ED25519", "ECDSA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now().Add(-time.Second)
			k := createPKI(t, tt.caAlg, tt.leafAlg, []string{"key_encipherment", "digital_signature", "server_auth", "client_auth"})

			ca := parseCert(t, k.ca.output("certPem"))
			leaf := parseCert(t, k.leaf.output("certPem"))
			if k.ca.id != ca.SerialNumber.String() || k.leaf.id != leaf.SerialNumber.String() {
				t.Errorf("ids %s, %s are not the serial numbers", k.ca.id, k.leaf.id)
			}
			if ca.SerialNumber.Cmp(new(big.Int).Lsh(big.NewInt(1), 128)) >= 0 {
				t.Errorf("serial %v exceeds 128 bits", ca.SerialNumber)
			}
			if !ca.IsCA || ca.Subject.CommonName != "pgsvc CA" || len(ca.SubjectKeyId) == 0 {
				t.Errorf("CA: isCA=%v subject=%v ski=%x", ca.IsCA, ca.Subject, ca.SubjectKeyId)
			}
			if got := k.ca.output("keyAlgorithm"); got != tt.caKeyAlg {
				t.Errorf("CA keyAlgorithm = %s, want %s", got, tt.caKeyAlg)
			}
			if got := k.csr.output("keyAlgorithm"); got != tt.leafKeyAlg {
				t.Errorf("CSR keyAlgorithm = %s, want %s", got, tt.leafKeyAlg)
			}
			if got := k.leaf.output("caKeyAlgorithm"); got != tt.caKeyAlg {
				t.Errorf("caKeyAlgorithm = %s, want %s", got, tt.caKeyAlg)
			}
			if !strings.HasPrefix(k.csr.output("certRequestPem"), "-----BEGIN CERTIFICATE REQUEST-----") {
				t.Error("certRequestPem is not a CSR")
			}

			// Inputs that hold private keys stay secret in the state; the rest do not.
			k.ca.secretOutput("privateKeyPem")
			k.csr.secretOutput("privateKeyPem")
			k.leaf.secretOutput("caPrivateKeyPem")
			for _, r := range []*res{k.ca, k.leaf} {
				for _, name := range []string{"certPem", "validityStartTime", "validityEndTime"} {
					if r.state.Get(name).Secret() {
						t.Errorf("%s is secret", name)
					}
				}
			}

			roots := x509.NewCertPool()
			roots.AddCert(ca)
			for _, host := range []string{"db.pgsvc", "localhost", "10.213.0.11", "127.0.0.1"} {
				for _, use := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
					if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, KeyUsages: []x509.ExtKeyUsage{use}}); err != nil {
						t.Errorf("verify %s for %v: %v", host, use, err)
					}
				}
			}
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "db.other", Roots: roots}); err == nil {
				t.Error("verified for a name not in the certificate")
			}
			if leaf.KeyUsage != x509.KeyUsageKeyEncipherment|x509.KeyUsageDigitalSignature {
				t.Errorf("key usage = %b", leaf.KeyUsage)
			}
			if len(leaf.URIs) != 1 || leaf.URIs[0].String() != "spiffe://pgsvc/db" {
				t.Errorf("URIs = %v", leaf.URIs)
			}
			if leaf.IsCA {
				t.Error("server certificate is a CA")
			}

			// Validity outputs are the certificate's, in RFC 3339.
			for _, c := range []struct {
				r    *res
				cert *x509.Certificate
				h    int
			}{{k.ca, ca, 24 * 365}, {k.leaf, leaf, 72}} {
				from, err := time.Parse(time.RFC3339, c.r.output("validityStartTime"))
				if err != nil || !from.Equal(c.cert.NotBefore) || from.Before(start.Truncate(time.Second)) {
					t.Errorf("validityStartTime = %s (%v), certificate %v", c.r.output("validityStartTime"), err, c.cert.NotBefore)
				}
				to, err := time.Parse(time.RFC3339, c.r.output("validityEndTime"))
				if err != nil || !to.Equal(c.cert.NotAfter) || to.Sub(from) != time.Duration(c.h)*time.Hour {
					t.Errorf("validityEndTime = %s (%v), certificate %v", c.r.output("validityEndTime"), err, c.cert.NotAfter)
				}
				if v := c.r.state.Get("readyForRenewal"); !v.IsBool() || v.AsBool() {
					t.Errorf("readyForRenewal = %v, want false", v)
				}
			}
			// Defaults are in the state, as the SDK's non-optional outputs need them.
			if v := k.leaf.state.Get("earlyRenewalHours"); !v.IsNumber() || v.AsNumber() != 0 {
				t.Errorf("earlyRenewalHours = %v", v)
			}
			if v := k.leaf.state.Get("isCaCertificate"); !v.IsBool() || v.AsBool() {
				t.Errorf("isCaCertificate = %v", v)
			}

			for _, r := range []*res{k.leaf, k.csr, k.leafKey, k.ca, k.caKey} {
				if err := r.delete(); err != nil {
					t.Errorf("delete %s: %v", r.urn.Name(), err)
				}
			}
		})
	}
}

// TestSubjectAndKeyIDs: all subject fields reach the certificate; key
// identifiers as asked.
func TestSubjectAndKeyIDs(t *testing.T) {
	s := newServer(t)
	key := newRes(t, s, PrivateKey, "key")
	key.mustCreate(map[string]property.Value{"algorithm": str("ECDSA"), "ecdsaCurve": str("P256")})
	cert := newRes(t, s, SelfSignedCert, "cert")
	cert.mustCreate(map[string]property.Value{
		"privateKeyPem":       secret(key.output("privateKeyPem")),
		"validityPeriodHours": num(1),
		"allowedUses":         strs("digital_signature"),
		"setSubjectKeyId":     boolean(true),
		"setAuthorityKeyId":   boolean(true),
		"subject": obj(map[string]property.Value{
			"commonName": str("cn"), "organization": str("o"), "organizationalUnit": str("ou"),
			"country": str("CH"), "province": str("ZH"), "locality": str("Zurich"), "postalCode": str("8000"),
			"streetAddresses": strs("Street 1"), "serialNumber": str("sn-1"), "emailAddress": str("a@b.c"),
		}),
	})
	c := parseCert(t, cert.output("certPem"))
	sub := c.Subject
	if sub.CommonName != "cn" || sub.SerialNumber != "sn-1" || !slices.Equal(sub.Organization, []string{"o"}) ||
		!slices.Equal(sub.OrganizationalUnit, []string{"ou"}) || !slices.Equal(sub.Country, []string{"CH"}) ||
		!slices.Equal(sub.Province, []string{"ZH"}) || !slices.Equal(sub.Locality, []string{"Zurich"}) ||
		!slices.Equal(sub.PostalCode, []string{"8000"}) || !slices.Equal(sub.StreetAddress, []string{"Street 1"}) ||
		!strings.Contains(sub.String(), "1.2.840.113549.1.9.1=") {
		t.Errorf("subject = %v", sub)
	}
	if len(c.SubjectKeyId) == 0 || string(c.AuthorityKeyId) != string(c.SubjectKeyId) {
		t.Errorf("ski=%x aki=%x", c.SubjectKeyId, c.AuthorityKeyId)
	}
	if c.IsCA || !c.BasicConstraintsValid {
		t.Errorf("isCA=%v basicConstraintsValid=%v", c.IsCA, c.BasicConstraintsValid)
	}
	if got := cert.state.Get("subject").AsMap().Get("emailAddress").AsString(); got != "a@b.c" {
		t.Errorf("subject output emailAddress = %q", got)
	}
}

// TestCheckFailures: invalid inputs fail Check with the property named, and
// a bad private key is never quoted.
func TestCheckFailures(t *testing.T) {
	const keyText = "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END RSA PRIVATE KEY-----\n"
	cert := func(change map[string]property.Value) map[string]property.Value {
		in := map[string]property.Value{
			"privateKeyPem": secret(keyText), "validityPeriodHours": num(1), "allowedUses": strs("server_auth"),
		}
		for k, v := range change {
			if v.IsNull() {
				delete(in, k)
			} else {
				in[k] = v
			}
		}
		return in
	}
	tests := []struct {
		name   string
		typ    string
		inputs map[string]property.Value
		want   string // property of a failure
	}{
		{"algorithm missing", PrivateKey, map[string]property.Value{}, "algorithm"},
		{"algorithm lower case", PrivateKey, map[string]property.Value{"algorithm": str("rsa")}, "algorithm"},
		{"curve unknown", PrivateKey, map[string]property.Value{"algorithm": str("ECDSA"), "ecdsaCurve": str("P192")}, "ecdsaCurve"},
		{"rsa too small", PrivateKey, map[string]property.Value{"algorithm": str("RSA"), "rsaBits": num(512)}, "rsaBits"},
		{"bad key", SelfSignedCert, cert(nil), "privateKeyPem"},
		{"camelCase use", SelfSignedCert, cert(map[string]property.Value{"allowedUses": strs("server_auth", "serverAuth")}), "allowedUses[1]"},
		{"bad IP", SelfSignedCert, cert(map[string]property.Value{"ipAddresses": strs("10.0.0.300")}), "ipAddresses[0]"},
		{"negative validity", SelfSignedCert, cert(map[string]property.Value{"validityPeriodHours": num(-1)}), "validityPeriodHours"},
		{"negative early renewal", SelfSignedCert, cert(map[string]property.Value{"earlyRenewalHours": num(-1)}), "earlyRenewalHours"},
		{"allowedUses missing", SelfSignedCert, cert(map[string]property.Value{"allowedUses": {}}), "allowedUses"},
		{"request key", CertRequest, map[string]property.Value{"privateKeyPem": secret(keyText)}, "privateKeyPem"},
		{"request URI", CertRequest, map[string]property.Value{"privateKeyPem": unknown(), "uris": strs("http://[::1")}, "uris[0]"},
		{"not a CSR", LocallySignedCert, map[string]property.Value{
			"certRequestPem": str("junk"), "caPrivateKeyPem": unknown(), "caCertPem": unknown(),
			"validityPeriodHours": num(1), "allowedUses": strs(),
		}, "certRequestPem"},
	}
	s := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := newRes(t, s, tt.typ, "bad").checkResp(tt.inputs)
			var props []string
			for _, f := range resp.Failures {
				props = append(props, f.Property)
				if strings.Contains(f.Reason, "c2VjcmV0") || strings.Contains(f.Reason, "secret-key-material") {
					t.Errorf("failure quotes the key: %s", f.Reason)
				}
			}
			if !slices.Contains(props, tt.want) {
				t.Errorf("failures %+v, want one for %s", resp.Failures, tt.want)
			}
		})
	}
}

// TestCreateErrors: problems Check cannot see (they need two inputs) fail
// Create with a clear error.
func TestCreateErrors(t *testing.T) {
	k := createPKI(t, map[string]property.Value{"algorithm": str("ED25519")}, map[string]property.Value{"algorithm": str("ED25519")},
		[]string{"server_auth"})
	s := newServer(t)
	other := newRes(t, s, PrivateKey, "other")
	other.mustCreate(map[string]property.Value{"algorithm": str("ED25519")})

	err := newRes(t, s, LocallySignedCert, "wrong-ca-key").create(map[string]property.Value{
		"certRequestPem": str(k.csr.output("certRequestPem")), "caPrivateKeyPem": secret(other.output("privateKeyPem")),
		"caCertPem": str(k.ca.output("certPem")), "validityPeriodHours": num(1), "allowedUses": strs(),
	})
	if err == nil || !strings.Contains(err.Error(), "does not match the CA certificate") {
		t.Errorf("wrong CA key: %v", err)
	}
	err = newRes(t, s, SelfSignedCert, "ca-without-subject").create(map[string]property.Value{
		"privateKeyPem": secret(other.output("privateKeyPem")), "validityPeriodHours": num(1),
		"allowedUses": strs("cert_signing"), "isCaCertificate": boolean(true),
	})
	if err == nil || !strings.Contains(err.Error(), "needs a subject") {
		t.Errorf("CA without subject: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Errorf("error quotes the key: %v", err)
	}
}

// TestEarlyRenewalHoursUpdate: earlyRenewalHours changes in place, keeps the
// certificate, and moves readyForRenewal.
func TestEarlyRenewalHoursUpdate(t *testing.T) {
	k := createPKI(t, map[string]property.Value{"algorithm": str("ED25519")}, map[string]property.Value{"algorithm": str("ED25519")},
		[]string{"server_auth"})
	for _, r := range []*res{k.ca, k.leaf} {
		t.Run(r.urn.Type().Name().String(), func(t *testing.T) {
			inputs := r.inputs.AsMap()
			certPem := r.output("certPem")

			inputs["earlyRenewalHours"] = num(1)
			d := r.diff(inputs)
			if !d.HasChanges || len(d.DetailedDiff) != 1 || d.DetailedDiff["earlyRenewalHours"].Kind != p.Update {
				t.Fatalf("diff = %+v, want an in-place update of earlyRenewalHours", d)
			}
			previewed, err := r.update(inputs, true)
			if err != nil {
				t.Fatal(err)
			}
			if !previewed.Get("certPem").IsString() || previewed.Get("certPem").AsString() != certPem {
				t.Errorf("preview of the update: certPem = %v, want the current one, known", previewed.Get("certPem"))
			}
			if v := previewed.Get("readyForRenewal"); !v.IsBool() || v.AsBool() {
				t.Errorf("preview readyForRenewal = %v, want known false", v)
			}
			if _, err := r.update(inputs, false); err != nil {
				t.Fatal(err)
			}
			if r.output("certPem") != certPem || r.state.Get("earlyRenewalHours").AsNumber() != 1 {
				t.Errorf("update changed the certificate or lost earlyRenewalHours: %v", r.state.Get("earlyRenewalHours"))
			}

			// An update into the renewal window: Diff replaces; Update (should
			// the engine call it) reports readyForRenewal.
			inputs["earlyRenewalHours"] = num(24 * 400)
			d = r.diff(inputs)
			if d.DetailedDiff["readyForRenewal"].Kind != p.UpdateReplace || d.DetailedDiff["earlyRenewalHours"].Kind != p.Update {
				t.Errorf("diff into the renewal window = %+v", d.DetailedDiff)
			}
			out, err := r.update(inputs, true)
			if err != nil {
				t.Fatal(err)
			}
			if v := out.Get("readyForRenewal"); !v.IsBool() || !v.AsBool() {
				t.Errorf("readyForRenewal = %v, want true", v)
			}
		})
	}
}

// TestReadyForRenewal: a certificate created inside its renewal window is
// ready at once and replaced by the next diff; a refresh (Read) recomputes
// readyForRenewal; an expired certificate is replaced.
func TestReadyForRenewal(t *testing.T) {
	s := newServer(t)
	key := newRes(t, s, PrivateKey, "key")
	key.mustCreate(map[string]property.Value{"algorithm": str("ED25519")})
	inputs := map[string]property.Value{
		"privateKeyPem":       secret(key.output("privateKeyPem")),
		"validityPeriodHours": num(1),
		"earlyRenewalHours":   num(2),
		"allowedUses":         strs("server_auth"),
	}
	cert := newRes(t, s, SelfSignedCert, "short")
	cert.mustCreate(inputs)
	if v := cert.state.Get("readyForRenewal"); !v.AsBool() {
		t.Errorf("readyForRenewal = %v, want true (validity 1h, early renewal 2h)", v)
	}
	d := cert.diff(inputs)
	if !d.HasChanges || len(d.DetailedDiff) != 1 || d.DetailedDiff["readyForRenewal"].Kind != p.UpdateReplace {
		t.Errorf("diff without changes = %+v, want a replacement for readyForRenewal", d)
	}

	inputs["earlyRenewalHours"] = num(0)
	fresh := newRes(t, s, SelfSignedCert, "fresh")
	fresh.mustCreate(inputs)
	if d := fresh.diff(inputs); d.HasChanges || len(d.DetailedDiff) != 0 {
		t.Errorf("diff of a fresh certificate = %+v, want none", d)
	}
	if got := fresh.read(); got.Properties.Get("readyForRenewal").AsBool() {
		t.Error("read of a fresh certificate: readyForRenewal = true")
	}

	// The same certificate, as state, an hour and a minute later: expired.
	expired := fresh.state.AsMap()
	expired["validityEndTime"] = str(time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
	fresh.state = property.NewMap(expired)
	if got := fresh.read(); !got.Properties.Get("readyForRenewal").AsBool() {
		t.Error("read of an expired certificate: readyForRenewal = false")
	} else if got.ID != fresh.id {
		t.Errorf("read changed the id to %q", got.ID)
	}
	d = fresh.diff(inputs)
	if !d.HasChanges || d.DetailedDiff["readyForRenewal"].Kind != p.UpdateReplace {
		t.Errorf("diff of an expired certificate = %+v, want a replacement", d)
	}
}

func parseCert(t *testing.T, text string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("not a certificate PEM: %q", text)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestProviderConfig: the engine's configuration of the default provider,
// including upstream's `proxy` (only used by invokes this build lacks), is
// accepted and ignored.
func TestProviderConfig(t *testing.T) {
	s := newServer(t)
	for _, in := range []map[string]property.Value{
		{"version": str(Version)},
		{"version": str(Version), "proxy": obj(map[string]property.Value{"url": str("http://proxy:3128"), "fromEnv": boolean(false)})},
	} {
		r := newRes(t, s, "pulumi:providers:tls", "default")
		resp, err := s.CheckConfig(p.CheckRequest{Urn: r.urn, Inputs: property.NewMap(in)})
		if err != nil || len(resp.Failures) > 0 {
			t.Fatalf("check config %v: %v %+v", in, err, resp.Failures)
		}
		if err := s.Configure(p.ConfigureRequest{Args: resp.Inputs}); err != nil {
			t.Errorf("configure %v: %v", in, err)
		}
	}
}
