package certs

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"pgsvc/tools/tls/internal/keys"
)

var now = time.Date(2030, 3, 4, 5, 6, 7, 890, time.UTC)

func newKey(t *testing.T, alg keys.Algorithm, curve string) crypto.Signer {
	t.Helper()
	k, err := keys.Generate(alg, 2048, curve)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestUses(t *testing.T) {
	tests := []struct {
		names   []string
		wantKU  x509.KeyUsage
		wantEKU []x509.ExtKeyUsage
	}{
		{nil, 0, nil},
		{[]string{"key_encipherment", "digital_signature", "server_auth"},
			x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		{[]string{"cert_signing", "crl_signing"}, x509.KeyUsageCertSign | x509.KeyUsageCRLSign, nil},
		{[]string{"client_auth", "server_auth", "client_auth"}, 0,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}},
		{[]string{"content_commitment", "data_encipherment", "key_agreement", "encipher_only", "decipher_only"},
			x509.KeyUsageContentCommitment | x509.KeyUsageDataEncipherment | x509.KeyUsageKeyAgreement |
				x509.KeyUsageEncipherOnly | x509.KeyUsageDecipherOnly, nil},
		{[]string{"any_extended", "code_signing", "email_protection", "ipsec_end_system", "ipsec_tunnel", "ipsec_user",
			"timestamping", "ocsp_signing", "microsoft_server_gated_crypto", "netscape_server_gated_crypto",
			"microsoft_commercial_code_signing", "microsoft_kernel_code_signing"}, 0,
			[]x509.ExtKeyUsage{x509.ExtKeyUsageAny, x509.ExtKeyUsageCodeSigning, x509.ExtKeyUsageEmailProtection,
				x509.ExtKeyUsageIPSECEndSystem, x509.ExtKeyUsageIPSECTunnel, x509.ExtKeyUsageIPSECUser,
				x509.ExtKeyUsageTimeStamping, x509.ExtKeyUsageOCSPSigning, x509.ExtKeyUsageMicrosoftServerGatedCrypto,
				x509.ExtKeyUsageNetscapeServerGatedCrypto, x509.ExtKeyUsageMicrosoftCommercialCodeSigning,
				x509.ExtKeyUsageMicrosoftKernelCodeSigning}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.names, ","), func(t *testing.T) {
			ku, eku, err := Uses(tt.names)
			if err != nil {
				t.Fatal(err)
			}
			if ku != tt.wantKU || !slices.Equal(eku, tt.wantEKU) {
				t.Errorf("Uses = %b %v, want %b %v", ku, eku, tt.wantKU, tt.wantEKU)
			}
		})
	}
	for _, bad := range []string{"serverAuth", "SERVER_AUTH", "", "signing"} {
		if _, _, err := Uses([]string{"server_auth", bad}); err == nil || !strings.Contains(err.Error(), "unknown allowed use") {
			t.Errorf("Uses accepted %q: %v", bad, err)
		}
	}
	if n := len(UseNames()); n != 23 {
		t.Errorf("%d accepted uses, want the 23 upstream names", n)
	}
	if _, _, err := Uses(UseNames()); err != nil {
		t.Errorf("UseNames has a name Uses rejects: %v", err)
	}
}

func TestSubjectName(t *testing.T) {
	s := Subject{
		CommonName: "db.example", Organization: "Example", OrganizationalUnit: "Ops",
		StreetAddresses: []string{"1 Main St", "Floor 2"}, Locality: "Town", Province: "State",
		Country: "CH", PostalCode: "8000", SerialNumber: "42", EmailAddress: "ops@example.org",
	}
	key := newKey(t, keys.ED25519, "")
	iss, err := SelfSign(key, s.Name(), SANs{}, Policy{ValidityPeriodHours: 1}, now)
	if err != nil {
		t.Fatal(err)
	}
	got := iss.Cert.Subject
	if got.CommonName != "db.example" || got.SerialNumber != "42" ||
		!slices.Equal(got.Organization, []string{"Example"}) ||
		!slices.Equal(got.OrganizationalUnit, []string{"Ops"}) ||
		!slices.Equal(slices.Sorted(slices.Values(got.StreetAddress)), []string{"1 Main St", "Floor 2"}) ||
		!slices.Equal(got.Locality, []string{"Town"}) || !slices.Equal(got.Province, []string{"State"}) ||
		!slices.Equal(got.Country, []string{"CH"}) || !slices.Equal(got.PostalCode, []string{"8000"}) {
		t.Errorf("subject = %+v", got)
	}
	var email string
	for _, atv := range got.Names {
		if atv.Type.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}) {
			email, _ = atv.Value.(string)
		}
	}
	if email != "ops@example.org" {
		t.Errorf("emailAddress = %q", email)
	}
	if n := (Subject{}).Name(); len(n.ToRDNSequence()) != 0 {
		t.Errorf("empty subject has names: %v", n)
	}
}

func TestSelfSign(t *testing.T) {
	tests := []struct {
		name    string
		alg     keys.Algorithm
		curve   string
		pol     Policy
		wantSKI bool
		wantAKI bool
	}{
		{"rsa server", keys.RSA, "", Policy{ValidityPeriodHours: 12,
			AllowedUses: []string{"key_encipherment", "digital_signature", "server_auth"}}, false, false},
		{"ecdsa P256 CA", keys.ECDSA, "P256", Policy{ValidityPeriodHours: 24 * 365, IsCA: true,
			AllowedUses: []string{"cert_signing", "crl_signing"}}, true, false},
		{"ecdsa P224 with key ids", keys.ECDSA, "P224", Policy{ValidityPeriodHours: 1,
			AllowedUses: []string{"digital_signature"}, SetSubjectKeyID: true, SetAuthorityKeyID: true}, true, true},
		{"ed25519 CA with authority key id", keys.ED25519, "", Policy{ValidityPeriodHours: 48, IsCA: true,
			AllowedUses: []string{"cert_signing"}, SetAuthorityKeyID: true}, true, true},
		{"zero validity", keys.ED25519, "", Policy{ValidityPeriodHours: 0, AllowedUses: []string{}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := newKey(t, tt.alg, tt.curve)
			sans, err := ParseSANs([]string{"db.example", "*.db.example"}, []string{"10.213.0.11", "fd00::1"},
				[]string{"spiffe://example/db"})
			if err != nil {
				t.Fatal(err)
			}
			iss, err := SelfSign(key, Subject{CommonName: "db.example"}.Name(), sans, tt.pol, now)
			if err != nil {
				t.Fatal(err)
			}
			cert := parsePEM(t, iss.PEM)
			if !bytes.Equal(cert.Raw, iss.Cert.Raw) {
				t.Fatal("PEM and Cert differ")
			}
			if err := cert.CheckSignatureFrom(cert); err != nil && tt.pol.IsCA {
				t.Errorf("self-signature: %v", err)
			}
			if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
				t.Errorf("signature does not verify with its own key: %v", err)
			}
			if !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey) {
				t.Error("certificate is not for the key")
			}
			checkValidity(t, iss, tt.pol.ValidityPeriodHours)
			checkSANs(t, cert)
			checkUses(t, cert, tt.pol.AllowedUses)
			if !cert.BasicConstraintsValid || cert.IsCA != tt.pol.IsCA {
				t.Errorf("basic constraints valid=%v isCA=%v, want isCA=%v", cert.BasicConstraintsValid, cert.IsCA, tt.pol.IsCA)
			}
			ski, _ := SubjectKeyID(key.Public())
			if got := len(cert.SubjectKeyId) > 0; got != tt.wantSKI {
				t.Errorf("subject key id present = %v, want %v", got, tt.wantSKI)
			} else if tt.wantSKI && !bytes.Equal(cert.SubjectKeyId, ski) {
				t.Errorf("subject key id = %x, want %x", cert.SubjectKeyId, ski)
			}
			if got := len(cert.AuthorityKeyId) > 0; got != tt.wantAKI {
				t.Errorf("authority key id present = %v, want %v", got, tt.wantAKI)
			} else if tt.wantAKI && !bytes.Equal(cert.AuthorityKeyId, cert.SubjectKeyId) {
				t.Error("self-signed authority key id differs from the subject key id")
			}
			if tt.pol.IsCA {
				roots := x509.NewCertPool()
				roots.AddCert(cert)
				if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now.Add(time.Hour),
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
					t.Errorf("CA does not verify against itself: %v", err)
				}
			}
		})
	}
}

func TestSerials(t *testing.T) {
	key := newKey(t, keys.ED25519, "")
	seen := map[string]bool{}
	var maxBits int
	for range 64 {
		iss, err := SelfSign(key, pkix.Name{}, SANs{}, Policy{ValidityPeriodHours: 1}, now)
		if err != nil {
			t.Fatal(err)
		}
		if seen[iss.Serial] {
			t.Fatalf("serial %s issued twice", iss.Serial)
		}
		seen[iss.Serial] = true
		n, ok := new(big.Int).SetString(iss.Serial, 10)
		if !ok || n.Cmp(iss.Cert.SerialNumber) != 0 || n.Sign() < 0 {
			t.Fatalf("serial %q is not the certificate's (%v)", iss.Serial, iss.Cert.SerialNumber)
		}
		if n.BitLen() > 128 {
			t.Fatalf("serial has %d bits", n.BitLen())
		}
		maxBits = max(maxBits, n.BitLen())
	}
	if maxBits < 120 {
		t.Errorf("largest of 64 serials has %d bits; not 128-bit random", maxBits)
	}
}

func TestSelfSignRejects(t *testing.T) {
	key := newKey(t, keys.ED25519, "")
	cn := Subject{CommonName: "x"}.Name()
	tests := []struct {
		name    string
		subject pkix.Name
		pol     Policy
		want    string
	}{
		{"CA without subject", pkix.Name{}, Policy{IsCA: true, ValidityPeriodHours: 1}, "needs a subject"},
		{"authority key id without subject key id", cn, Policy{SetAuthorityKeyID: true, ValidityPeriodHours: 1}, "setAuthorityKeyId"},
		{"negative validity", cn, Policy{ValidityPeriodHours: -1}, "must not be negative"},
		{"unknown use", cn, Policy{ValidityPeriodHours: 1, AllowedUses: []string{"serverAuth"}}, "unknown allowed use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SelfSign(key, tt.subject, SANs{}, tt.pol, now)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	for _, ip := range []string{"10.0.0", "db.example", ""} {
		if _, err := ParseSANs(nil, []string{ip}, nil); err == nil {
			t.Errorf("ParseSANs accepted IP %q", ip)
		}
	}
	if _, err := ParseSANs(nil, nil, []string{"http://[::1"}); err == nil {
		t.Error("ParseSANs accepted a broken URI")
	}
}

// ca is a self-signed CA for the chain tests.
func newCA(t *testing.T, alg keys.Algorithm, curve string) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key := newKey(t, alg, curve)
	iss, err := SelfSign(key, Subject{CommonName: "pgsvc test CA", Organization: "pgsvc"}.Name(), SANs{},
		Policy{ValidityPeriodHours: 24 * 365, IsCA: true, AllowedUses: []string{"cert_signing", "crl_signing", "digital_signature"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	return iss.Cert, key
}

func TestSignChainVerifies(t *testing.T) {
	tests := []struct {
		name     string
		caAlg    keys.Algorithm
		caCurve  string
		leafAlg  keys.Algorithm
		leafCrv  string
		uses     []string
		verifyAs []x509.ExtKeyUsage
		setSKI   bool
	}{
		{"rsa CA, rsa server", keys.RSA, "", keys.RSA, "", []string{"key_encipherment", "digital_signature", "server_auth"},
			[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, false},
		{"ecdsa CA, ed25519 client", keys.ECDSA, "P384", keys.ED25519, "", []string{"digital_signature", "client_auth"},
			[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, true},
		{"ed25519 CA, ecdsa server+client", keys.ED25519, "", keys.ECDSA, "P256",
			[]string{"digital_signature", "server_auth", "client_auth"},
			[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, false},
		{"ecdsa P224 CA, rsa server", keys.ECDSA, "P224", keys.RSA, "", []string{"server_auth"},
			[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caCert, caKey := newCA(t, tt.caAlg, tt.caCurve)
			leafKey := newKey(t, tt.leafAlg, tt.leafCrv)
			sans, err := ParseSANs([]string{"db.example"}, []string{"10.213.0.11", "fd00::11"}, []string{"spiffe://example/db"})
			if err != nil {
				t.Fatal(err)
			}
			csrPEM, err := CreateRequest(leafKey, Subject{CommonName: "db.example", EmailAddress: "ops@example.org"}.Name(), sans)
			if err != nil {
				t.Fatal(err)
			}
			csr, err := ParseRequestPEM(csrPEM)
			if err != nil {
				t.Fatal(err)
			}
			iss, err := Sign(csr, caCert, caKey, Policy{ValidityPeriodHours: 72, AllowedUses: tt.uses, SetSubjectKeyID: tt.setSKI}, now)
			if err != nil {
				t.Fatal(err)
			}
			cert := parsePEM(t, iss.PEM)
			checkValidity(t, iss, 72)
			checkSANs(t, cert)
			checkUses(t, cert, tt.uses)
			if cert.IsCA || !cert.BasicConstraintsValid {
				t.Errorf("leaf isCA=%v basicConstraintsValid=%v", cert.IsCA, cert.BasicConstraintsValid)
			}
			if !bytes.Equal(cert.RawSubject, csr.RawSubject) {
				t.Error("certificate subject is not the request's")
			}
			if !bytes.Equal(cert.RawIssuer, caCert.RawSubject) {
				t.Error("certificate issuer is not the CA")
			}
			if !bytes.Equal(cert.AuthorityKeyId, caCert.SubjectKeyId) {
				t.Errorf("authority key id = %x, want the CA's %x", cert.AuthorityKeyId, caCert.SubjectKeyId)
			}
			if got := len(cert.SubjectKeyId) > 0; got != tt.setSKI {
				t.Errorf("subject key id present = %v, want %v", got, tt.setSKI)
			}
			if !leafKey.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey) {
				t.Error("certificate is not for the requested key")
			}

			roots := x509.NewCertPool()
			roots.AddCert(caCert)
			for _, host := range []string{"db.example", "10.213.0.11", "fd00::11"} {
				if _, err := cert.Verify(x509.VerifyOptions{DNSName: host, Roots: roots,
					CurrentTime: now.Add(time.Hour), KeyUsages: tt.verifyAs}); err != nil {
					t.Errorf("verify for %s: %v", host, err)
				}
			}
			// Failures that must happen, or the checks above prove nothing.
			mustNotVerify := map[string]x509.VerifyOptions{
				"other host":  {DNSName: "other.example", Roots: roots, CurrentTime: now.Add(time.Hour), KeyUsages: tt.verifyAs},
				"other IP":    {DNSName: "10.213.0.12", Roots: roots, CurrentTime: now.Add(time.Hour), KeyUsages: tt.verifyAs},
				"expired":     {Roots: roots, CurrentTime: now.Add(73 * time.Hour), KeyUsages: tt.verifyAs},
				"not yet":     {Roots: roots, CurrentTime: now.Add(-time.Hour), KeyUsages: tt.verifyAs},
				"unused EKU":  {Roots: roots, CurrentTime: now.Add(time.Hour), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}},
				"other roots": {Roots: x509.NewCertPool(), CurrentTime: now.Add(time.Hour), KeyUsages: tt.verifyAs},
			}
			for name, opts := range mustNotVerify {
				if _, err := cert.Verify(opts); err == nil {
					t.Errorf("%s: certificate verified", name)
				}
			}
		})
	}
}

func TestSignIntermediateCA(t *testing.T) {
	rootCert, rootKey := newCA(t, keys.ECDSA, "P256")
	interKey := newKey(t, keys.ECDSA, "P256")
	csrPEM, err := CreateRequest(interKey, Subject{CommonName: "intermediate"}.Name(), SANs{})
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseRequestPEM(csrPEM)
	if err != nil {
		t.Fatal(err)
	}
	inter, err := Sign(csr, rootCert, rootKey, Policy{ValidityPeriodHours: 100, IsCA: true, AllowedUses: []string{"cert_signing"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !inter.Cert.IsCA || len(inter.Cert.SubjectKeyId) == 0 {
		t.Fatalf("intermediate isCA=%v ski=%x", inter.Cert.IsCA, inter.Cert.SubjectKeyId)
	}
	leafKey := newKey(t, keys.ED25519, "")
	leafCSR, _ := CreateRequest(leafKey, Subject{CommonName: "leaf"}.Name(), SANs{DNSNames: []string{"leaf.example"}})
	req, err := ParseRequestPEM(leafCSR)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := Sign(req, inter.Cert, interKey, Policy{ValidityPeriodHours: 10, AllowedUses: []string{"server_auth"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(rootCert)
	inters.AddCert(inter.Cert)
	chains, err := leaf.Cert.Verify(x509.VerifyOptions{DNSName: "leaf.example", Roots: roots, Intermediates: inters,
		CurrentTime: now.Add(time.Hour), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err != nil || len(chains) != 1 || len(chains[0]) != 3 {
		t.Errorf("chain = %v, %v; want leaf, intermediate, root", chains, err)
	}
	if _, err := Sign(req, inter.Cert, interKey, Policy{ValidityPeriodHours: 1, IsCA: true}, now); err != nil {
		t.Errorf("CA certificate from a request with a subject: %v", err)
	}
	noSubject, _ := CreateRequest(leafKey, pkix.Name{}, SANs{DNSNames: []string{"x"}})
	req2, _ := ParseRequestPEM(noSubject)
	if _, err := Sign(req2, inter.Cert, interKey, Policy{ValidityPeriodHours: 1, IsCA: true}, now); err == nil {
		t.Error("signed a CA certificate for a request without a subject")
	}
}

func TestSignRejects(t *testing.T) {
	caCert, caKey := newCA(t, keys.ECDSA, "P256")
	otherKey := newKey(t, keys.ECDSA, "P256")
	leafKey := newKey(t, keys.ED25519, "")
	csrPEM, _ := CreateRequest(leafKey, Subject{CommonName: "leaf"}.Name(), SANs{})
	csr, err := ParseRequestPEM(csrPEM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(csr, caCert, otherKey, Policy{ValidityPeriodHours: 1}, now); !errors.Is(err, ErrKeyMismatch) {
		t.Error("signed with a key that is not the CA certificate's")
	}
	if _, err := Sign(csr, caCert, caKey, Policy{ValidityPeriodHours: 1}, now); err != nil {
		t.Errorf("signing with the CA's own key: %v", err)
	}

	block, _ := pem.Decode([]byte(csrPEM))
	tampered := bytes.Replace(block.Bytes, []byte("leaf"), []byte("lEaf"), 1)
	tamperedPEM := string(pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: tampered}))
	if _, err := ParseRequestPEM(tamperedPEM); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Errorf("tampered request: %v", err)
	}
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caCert.Raw}))
	if _, err := ParseRequestPEM(caPEM); err == nil || !strings.Contains(err.Error(), "want a CERTIFICATE REQUEST") {
		t.Errorf("certificate as request: %v", err)
	}
	if _, err := ParseCertificatePEM(csrPEM); err == nil || !strings.Contains(err.Error(), "want a CERTIFICATE") {
		t.Errorf("request as certificate: %v", err)
	}
	if _, err := ParseCertificatePEM("junk"); err == nil {
		t.Error("parsed junk as a certificate")
	}
	if got, err := ParseCertificatePEM(caPEM); err != nil || !got.Equal(caCert) {
		t.Errorf("ParseCertificatePEM = %v, %v", got, err)
	}
}

func parsePEM(t *testing.T, text string) *x509.Certificate {
	t.Helper()
	cert, err := ParseCertificatePEM(text)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func checkValidity(t *testing.T, iss Issued, hours int) {
	t.Helper()
	start := now.Truncate(time.Second)
	if !iss.NotBefore.Equal(start) || !iss.Cert.NotBefore.Equal(start) {
		t.Errorf("not before = %v, want %v", iss.NotBefore, start)
	}
	if want := start.Add(time.Duration(hours) * time.Hour); !iss.NotAfter.Equal(want) || !iss.Cert.NotAfter.Equal(want) {
		t.Errorf("not after = %v, want %v", iss.NotAfter, want)
	}
}

func checkSANs(t *testing.T, cert *x509.Certificate) {
	t.Helper()
	if !slices.Contains(cert.DNSNames, "db.example") {
		t.Errorf("DNS names = %v", cert.DNSNames)
	}
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	if !slices.Contains(ips, "10.213.0.11") || !slices.ContainsFunc(ips, func(s string) bool {
		return net.ParseIP(s).Equal(net.ParseIP("fd00::1")) || net.ParseIP(s).Equal(net.ParseIP("fd00::11"))
	}) {
		t.Errorf("IP addresses = %v", ips)
	}
	if len(cert.URIs) != 1 || cert.URIs[0].String() != "spiffe://example/db" {
		t.Errorf("URIs = %v", cert.URIs)
	}
}

func checkUses(t *testing.T, cert *x509.Certificate, names []string) {
	t.Helper()
	ku, eku, err := Uses(names)
	if err != nil {
		t.Fatal(err)
	}
	if cert.KeyUsage != ku {
		t.Errorf("key usage = %b, want %b", cert.KeyUsage, ku)
	}
	if !slices.Equal(cert.ExtKeyUsage, eku) {
		t.Errorf("extended key usage = %v, want %v", cert.ExtKeyUsage, eku)
	}
}
