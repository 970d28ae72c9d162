package certs

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
)

// keyUsages and extKeyUsages map the `allowedUses` names (upstream's, in
// snake case) to the X.509 key usage bits and extended key usages.
var keyUsages = map[string]x509.KeyUsage{
	"digital_signature":  x509.KeyUsageDigitalSignature,
	"content_commitment": x509.KeyUsageContentCommitment,
	"key_encipherment":   x509.KeyUsageKeyEncipherment,
	"data_encipherment":  x509.KeyUsageDataEncipherment,
	"key_agreement":      x509.KeyUsageKeyAgreement,
	"cert_signing":       x509.KeyUsageCertSign,
	"crl_signing":        x509.KeyUsageCRLSign,
	"encipher_only":      x509.KeyUsageEncipherOnly,
	"decipher_only":      x509.KeyUsageDecipherOnly,
}

var extKeyUsages = map[string]x509.ExtKeyUsage{
	"any_extended":                      x509.ExtKeyUsageAny,
	"server_auth":                       x509.ExtKeyUsageServerAuth,
	"client_auth":                       x509.ExtKeyUsageClientAuth,
	"code_signing":                      x509.ExtKeyUsageCodeSigning,
	"email_protection":                  x509.ExtKeyUsageEmailProtection,
	"ipsec_end_system":                  x509.ExtKeyUsageIPSECEndSystem,
	"ipsec_tunnel":                      x509.ExtKeyUsageIPSECTunnel,
	"ipsec_user":                        x509.ExtKeyUsageIPSECUser,
	"timestamping":                      x509.ExtKeyUsageTimeStamping,
	"ocsp_signing":                      x509.ExtKeyUsageOCSPSigning,
	"microsoft_server_gated_crypto":     x509.ExtKeyUsageMicrosoftServerGatedCrypto,
	"netscape_server_gated_crypto":      x509.ExtKeyUsageNetscapeServerGatedCrypto,
	"microsoft_commercial_code_signing": x509.ExtKeyUsageMicrosoftCommercialCodeSigning,
	"microsoft_kernel_code_signing":     x509.ExtKeyUsageMicrosoftKernelCodeSigning,
}

// UseNames returns every accepted `allowedUses` value, sorted.
func UseNames() []string {
	var names []string
	for n := range keyUsages {
		names = append(names, n)
	}
	for n := range extKeyUsages {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Uses maps `allowedUses` names to key usage bits and extended key usages,
// in the order given; a repeated name counts once.
func Uses(names []string) (x509.KeyUsage, []x509.ExtKeyUsage, error) {
	var ku x509.KeyUsage
	var ext []x509.ExtKeyUsage
	for _, n := range names {
		if bit, ok := keyUsages[n]; ok {
			ku |= bit
			continue
		}
		e, ok := extKeyUsages[n]
		if !ok {
			return 0, nil, fmt.Errorf("unknown allowed use %q (accepted: %s)", n, strings.Join(UseNames(), ", "))
		}
		if !slices.Contains(ext, e) {
			ext = append(ext, e)
		}
	}
	return ku, ext, nil
}
