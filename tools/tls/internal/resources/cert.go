package resources

import (
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/tls/internal/certs"
	"pgsvc/tools/tls/internal/renewal"
)

// now is the clock of the certificate resources.
var now = time.Now

// CertArgs are the inputs SelfSignedCert and LocallySignedCert share.
type CertArgs struct {
	AllowedUses         []string `pulumi:"allowedUses"`
	ValidityPeriodHours int      `pulumi:"validityPeriodHours"`
	EarlyRenewalHours   *int     `pulumi:"earlyRenewalHours,optional"`
	IsCaCertificate     *bool    `pulumi:"isCaCertificate,optional"`
	SetSubjectKeyID     *bool    `pulumi:"setSubjectKeyId,optional"`
}

// Annotate describes the shared inputs and sets upstream's defaults.
func (c *CertArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.AllowedUses, "List of key usages allowed for the issued certificate, upstream's names: "+
		"`digital_signature`, `content_commitment`, `key_encipherment`, `data_encipherment`, `key_agreement`, "+
		"`cert_signing`, `crl_signing`, `encipher_only`, `decipher_only` (key usages) and `any_extended`, "+
		"`server_auth`, `client_auth`, `code_signing`, `email_protection`, `ipsec_end_system`, `ipsec_tunnel`, "+
		"`ipsec_user`, `timestamping`, `ocsp_signing`, `microsoft_server_gated_crypto`, "+
		"`netscape_server_gated_crypto`, `microsoft_commercial_code_signing`, `microsoft_kernel_code_signing` "+
		"(extended key usages).")
	a.Describe(&c.ValidityPeriodHours, "Number of hours, after initial issuing, that the certificate will remain valid for.")
	a.Describe(&c.EarlyRenewalHours, "The resource will consider the certificate to have expired the given number of "+
		"hours before its actual expiry time; a preview or update in that period replaces it. (default: `0`)")
	a.Describe(&c.IsCaCertificate, "Is the generated certificate representing a Certificate Authority (CA) (default: `false`).")
	a.Describe(&c.SetSubjectKeyID, "Should the generated certificate include a subject key identifier (default: `false`).")
	a.SetDefault(&c.EarlyRenewalHours, 0)
	a.SetDefault(&c.IsCaCertificate, false)
	a.SetDefault(&c.SetSubjectKeyID, false)
}

// CertOutputs are the outputs SelfSignedCert and LocallySignedCert share.
type CertOutputs struct {
	CertPem           string `pulumi:"certPem"`
	ReadyForRenewal   bool   `pulumi:"readyForRenewal"`
	ValidityStartTime string `pulumi:"validityStartTime"`
	ValidityEndTime   string `pulumi:"validityEndTime"`
}

// Annotate describes the shared outputs.
func (c *CertOutputs) Annotate(a infer.Annotator) {
	a.Describe(&c.CertPem, "Certificate data in PEM (RFC 1421) format, ending in a newline.")
	a.Describe(&c.ReadyForRenewal, "Is the certificate either expired (i.e. beyond the `validityPeriodHours`) "+
		"or ready for an early renewal (i.e. within the `earlyRenewalHours`)?")
	a.Describe(&c.ValidityStartTime, "The time after which the certificate is valid, as an RFC 3339 timestamp (UTC).")
	a.Describe(&c.ValidityEndTime, "The time until which the certificate is valid, as an RFC 3339 timestamp (UTC).")
}

// normalize fills in the defaults (Check does; Create must not depend on it).
func (c *CertArgs) normalize() {
	c.EarlyRenewalHours = orDefault(c.EarlyRenewalHours, 0)
	c.IsCaCertificate = orDefault(c.IsCaCertificate, false)
	c.SetSubjectKeyID = orDefault(c.SetSubjectKeyID, false)
}

func (c *CertArgs) policy() certs.Policy {
	return certs.Policy{
		ValidityPeriodHours: c.ValidityPeriodHours,
		AllowedUses:         c.AllowedUses,
		IsCA:                *c.IsCaCertificate,
		SetSubjectKeyID:     *c.SetSubjectKeyID,
	}
}

// certArgs validates the shared inputs.
func (c *checker) certArgs() {
	c.each("allowedUses", func(use string) error { _, _, err := certs.Uses([]string{use}); return err })
	c.atLeast("validityPeriodHours", 0)
	c.atLeast("earlyRenewalHours", 0)
}

// sans validates the subject alternative names of SelfSignedCert and CertRequest.
func (c *checker) sans() {
	c.each("ipAddresses", func(s string) error { _, err := certs.ParseIP(s); return err })
	c.each("uris", func(s string) error { _, err := certs.ParseURI(s); return err })
}

// issued fills out from a new certificate.
func (out *CertOutputs) issued(iss certs.Issued, args *CertArgs, at time.Time) {
	out.CertPem = iss.PEM
	out.ValidityStartTime = renewal.Format(iss.NotBefore)
	out.ValidityEndTime = renewal.Format(iss.NotAfter)
	out.ReadyForRenewal = renewal.Due(iss.NotAfter, *args.EarlyRenewalHours, at)
}

// renew sets readyForRenewal for now.
func (out *CertOutputs) renew(args *CertArgs) error {
	due, err := renewal.DueText(out.ValidityEndTime, deref(args.EarlyRenewalHours), now())
	if err != nil {
		return err
	}
	out.ReadyForRenewal = due
	return nil
}

func deref[T any](v *T) T {
	var zero T
	if v == nil {
		return zero
	}
	return *v
}
