package provider

import (
	"maps"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// TestDiff pins that every input change replaces a resource, at any depth,
// except earlyRenewalHours of the certificates, which updates in place (as
// upstream).
func TestDiff(t *testing.T) {
	k := createPKI(t, map[string]property.Value{"algorithm": str("ECDSA"), "ecdsaCurve": str("P256")},
		map[string]property.Value{"algorithm": str("ED25519")}, []string{"digital_signature", "server_auth"})
	s := k.ca.s
	otherKey := newRes(t, s, PrivateKey, "other-key")
	otherKey.mustCreate(map[string]property.Value{"algorithm": str("ED25519")})
	otherPEM := secret(otherKey.output("privateKeyPem"))
	subject := func(cn string) property.Value {
		return obj(map[string]property.Value{"commonName": str(cn), "organization": str("pgsvc")})
	}
	type change = map[string]property.Value
	type kinds = map[string]p.DiffKind

	tests := []struct {
		name      string
		r         *res
		change    change // merged over the resource's inputs; a null value removes the key
		wantKinds kinds  // nil: no changes
	}{
		{"key: nothing changed", k.caKey, nil, nil},
		{"key: algorithm", k.caKey, change{"algorithm": str("RSA")}, kinds{"algorithm": p.UpdateReplace}},
		{"key: curve", k.caKey, change{"ecdsaCurve": str("P384")}, kinds{"ecdsaCurve": p.UpdateReplace}},
		{"key: rsaBits", k.caKey, change{"rsaBits": num(4096)}, kinds{"rsaBits": p.UpdateReplace}},
		{"key: unknown algorithm", k.caKey, change{"algorithm": unknown()}, kinds{"algorithm": p.UpdateReplace}},

		{"self-signed: nothing changed", k.ca, nil, nil},
		{"self-signed: key", k.ca, change{"privateKeyPem": otherPEM}, kinds{"privateKeyPem": p.UpdateReplace}},
		{"self-signed: key unknown", k.ca, change{"privateKeyPem": unknown()}, kinds{"privateKeyPem": p.UpdateReplace}},
		{"self-signed: validity", k.ca, change{"validityPeriodHours": num(48)}, kinds{"validityPeriodHours": p.UpdateReplace}},
		{"self-signed: use changed", k.ca, change{"allowedUses": strs("cert_signing", "digital_signature")},
			kinds{"allowedUses[1]": p.UpdateReplace}},
		{"self-signed: use added", k.ca, change{"allowedUses": strs("cert_signing", "crl_signing", "digital_signature")},
			kinds{"allowedUses[2]": p.AddReplace}},
		{"self-signed: CA flag", k.ca, change{"isCaCertificate": boolean(false)}, kinds{"isCaCertificate": p.UpdateReplace}},
		{"self-signed: subject key id", k.ca, change{"setSubjectKeyId": boolean(false)}, kinds{"setSubjectKeyId": p.UpdateReplace}},
		{"self-signed: authority key id", k.ca, change{"setAuthorityKeyId": boolean(true)}, kinds{"setAuthorityKeyId": p.UpdateReplace}},
		{"self-signed: common name", k.ca, change{"subject": subject("other CA")}, kinds{"subject.commonName": p.UpdateReplace}},
		{"self-signed: subject field added", k.ca,
			change{"subject": obj(map[string]property.Value{"commonName": str("pgsvc CA"), "organization": str("pgsvc"), "country": str("CH")})},
			kinds{"subject.country": p.AddReplace}},
		{"self-signed: subject removed", k.ca, change{"subject": {}}, kinds{"subject": p.DeleteReplace}},
		{"self-signed: DNS names added", k.ca, change{"dnsNames": strs("ca.pgsvc")}, kinds{"dnsNames": p.AddReplace}},
		{"self-signed: IP added", k.ca, change{"ipAddresses": strs("10.0.0.1")}, kinds{"ipAddresses": p.AddReplace}},
		{"self-signed: URI added", k.ca, change{"uris": strs("spiffe://pgsvc/ca")}, kinds{"uris": p.AddReplace}},
		{"self-signed: early renewal updates in place", k.ca, change{"earlyRenewalHours": num(48)},
			kinds{"earlyRenewalHours": p.Update}},
		{"self-signed: early renewal into the window", k.ca, change{"earlyRenewalHours": num(24 * 365)},
			kinds{"earlyRenewalHours": p.Update, "readyForRenewal": p.UpdateReplace}},

		{"request: nothing changed", k.csr, nil, nil},
		{"request: key", k.csr, change{"privateKeyPem": otherPEM}, kinds{"privateKeyPem": p.UpdateReplace}},
		{"request: common name", k.csr, change{"subject": subject("db2.pgsvc")}, kinds{"subject.commonName": p.UpdateReplace}},
		{"request: DNS name changed", k.csr, change{"dnsNames": strs("db.pgsvc", "db2.pgsvc")}, kinds{"dnsNames[1]": p.UpdateReplace}},
		{"request: IP removed", k.csr, change{"ipAddresses": strs("10.213.0.11")}, kinds{"ipAddresses[1]": p.DeleteReplace}},
		{"request: URIs removed", k.csr, change{"uris": {}}, kinds{"uris": p.DeleteReplace}},

		{"signed: nothing changed", k.leaf, nil, nil},
		{"signed: request", k.leaf, change{"certRequestPem": unknown()}, kinds{"certRequestPem": p.UpdateReplace}},
		{"signed: CA certificate", k.leaf, change{"caCertPem": unknown()}, kinds{"caCertPem": p.UpdateReplace}},
		{"signed: CA key", k.leaf, change{"caPrivateKeyPem": otherPEM}, kinds{"caPrivateKeyPem": p.UpdateReplace}},
		{"signed: validity", k.leaf, change{"validityPeriodHours": num(24)}, kinds{"validityPeriodHours": p.UpdateReplace}},
		{"signed: use removed", k.leaf, change{"allowedUses": strs("digital_signature")}, kinds{"allowedUses[1]": p.DeleteReplace}},
		{"signed: CA flag", k.leaf, change{"isCaCertificate": boolean(true)}, kinds{"isCaCertificate": p.UpdateReplace}},
		{"signed: subject key id", k.leaf, change{"setSubjectKeyId": boolean(true)}, kinds{"setSubjectKeyId": p.UpdateReplace}},
		{"signed: early renewal updates in place", k.leaf, change{"earlyRenewalHours": num(1)}, kinds{"earlyRenewalHours": p.Update}},
		{"signed: early renewal unknown", k.leaf, change{"earlyRenewalHours": unknown()}, kinds{"earlyRenewalHours": p.Update}},
		{"signed: early renewal and validity", k.leaf, change{"earlyRenewalHours": num(1), "validityPeriodHours": num(24)},
			kinds{"earlyRenewalHours": p.Update, "validityPeriodHours": p.UpdateReplace}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.diff(merged(tt.r.inputs.AsMap(), tt.change))
			if got.HasChanges != (tt.wantKinds != nil) {
				t.Fatalf("HasChanges = %v, detailed diff %v", got.HasChanges, got.DetailedDiff)
			}
			if len(got.DetailedDiff) != len(tt.wantKinds) {
				t.Errorf("detailed diff = %v, want %v", got.DetailedDiff, tt.wantKinds)
			}
			for path, want := range tt.wantKinds {
				if got.DetailedDiff[path].Kind != want {
					t.Errorf("diff of %s = %q, want %q (all: %v)", path, got.DetailedDiff[path].Kind, want, got.DetailedDiff)
				}
			}
			if got.DeleteBeforeReplace {
				t.Error("DeleteBeforeReplace is set; the program decides the order")
			}
		})
	}
}

// merged returns base with change applied; a null value in change removes the key.
func merged(base, change map[string]property.Value) map[string]property.Value {
	out := maps.Clone(base)
	for k, v := range change {
		if v.IsNull() {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}
