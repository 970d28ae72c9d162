// Package certs issues X.509 certificates and certificate requests the way
// the tls resources do: self-signed certificates, certificates signed by a
// local CA from a request, and requests. It knows nothing of Pulumi.
package certs

import (
	"crypto"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Policy is what the issuer decides about a certificate.
type Policy struct {
	ValidityPeriodHours int
	AllowedUses         []string
	IsCA                bool
	SetSubjectKeyID     bool
	// SetAuthorityKeyID copies the issuer's subject key identifier into the
	// certificate (self-signed certificates only; a CA-signed certificate gets
	// its CA's identifier whenever the CA certificate has one).
	SetAuthorityKeyID bool
}

// Issued is a new certificate.
type Issued struct {
	PEM       string
	Cert      *x509.Certificate
	Serial    string // decimal
	NotBefore time.Time
	NotAfter  time.Time
}

// serialLimit bounds serial numbers: random 128-bit values, as upstream.
var serialLimit = new(big.Int).Lsh(big.NewInt(1), 128)

// SelfSign issues a certificate for key's public key, signed by key.
func SelfSign(key crypto.Signer, subject pkix.Name, sans SANs, pol Policy, now time.Time) (Issued, error) {
	tmpl := &x509.Certificate{
		Subject:     subject,
		DNSNames:    sans.DNSNames,
		IPAddresses: sans.IPAddresses,
		URIs:        sans.URIs,
	}
	if pol.IsCA && len(subject.ToRDNSequence()) == 0 {
		return Issued{}, errNoSubject
	}
	if err := apply(tmpl, key.Public(), pol, now); err != nil {
		return Issued{}, err
	}
	if pol.SetAuthorityKeyID {
		if len(tmpl.SubjectKeyId) == 0 {
			return Issued{}, errors.New("setAuthorityKeyId needs a subject key identifier: " +
				"set setSubjectKeyId or isCaCertificate")
		}
		tmpl.AuthorityKeyId = tmpl.SubjectKeyId
	}
	return create(tmpl, tmpl, key.Public(), key)
}

// Sign issues a certificate for the request, signed by the CA. The
// certificate takes the request's subject (as encoded in the request), names
// and public key.
func Sign(req *x509.CertificateRequest, caCert *x509.Certificate, caKey crypto.Signer, pol Policy, now time.Time) (Issued, error) {
	tmpl := &x509.Certificate{
		RawSubject:  req.RawSubject,
		Subject:     req.Subject,
		DNSNames:    req.DNSNames,
		IPAddresses: req.IPAddresses,
		URIs:        req.URIs,
	}
	if pub, ok := caKey.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(caCert.PublicKey) {
		return Issued{}, ErrKeyMismatch
	}
	if pol.IsCA && len(req.Subject.Names) == 0 {
		return Issued{}, errNoSubject
	}
	if err := apply(tmpl, req.PublicKey, pol, now); err != nil {
		return Issued{}, err
	}
	return create(tmpl, caCert, req.PublicKey, caKey)
}

// ErrKeyMismatch is Sign's error for a CA key that is not the CA certificate's.
var ErrKeyMismatch = errors.New("the CA private key does not match the CA certificate")

var errNoSubject = errors.New("a CA certificate needs a subject with at least one distinguished name")

// apply sets validity, serial, uses, basic constraints and key identifiers.
func apply(tmpl *x509.Certificate, pub crypto.PublicKey, pol Policy, now time.Time) error {
	if pol.ValidityPeriodHours < 0 {
		return fmt.Errorf("validityPeriodHours must not be negative, got %d", pol.ValidityPeriodHours)
	}
	ku, ext, err := Uses(pol.AllowedUses)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, serialLimit)
	if err != nil {
		return fmt.Errorf("generating a serial number: %w", err)
	}
	// A certificate holds whole seconds; truncating keeps the outputs equal to it.
	tmpl.NotBefore = now.UTC().Truncate(time.Second)
	tmpl.NotAfter = tmpl.NotBefore.Add(time.Duration(pol.ValidityPeriodHours) * time.Hour)
	tmpl.SerialNumber = serial
	tmpl.KeyUsage = ku
	tmpl.ExtKeyUsage = ext
	tmpl.BasicConstraintsValid = true
	tmpl.IsCA = pol.IsCA
	if pol.IsCA || pol.SetSubjectKeyID {
		if tmpl.SubjectKeyId, err = SubjectKeyID(pub); err != nil {
			return err
		}
	}
	return nil
}

func create(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (Issued, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return Issued{}, fmt.Errorf("creating the certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Issued{}, fmt.Errorf("reading back the certificate: %w", err)
	}
	return Issued{
		PEM:       string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Cert:      cert,
		Serial:    cert.SerialNumber.String(),
		NotBefore: cert.NotBefore,
		NotAfter:  cert.NotAfter,
	}, nil
}

// SubjectKeyID is the SHA-1 of the subjectPublicKey bit string (RFC 5280,
// 4.2.1.2, method 1).
func SubjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encoding the public key: %w", err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, fmt.Errorf("reading the public key: %w", err)
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:], nil
}

// CreateRequest makes a PEM certificate request signed by key.
func CreateRequest(key crypto.Signer, subject pkix.Name, sans SANs) (string, error) {
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:     subject,
		DNSNames:    sans.DNSNames,
		IPAddresses: sans.IPAddresses,
		URIs:        sans.URIs,
	}, key)
	if err != nil {
		return "", fmt.Errorf("creating the certificate request: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})), nil
}

// ParseCertificatePEM reads the first PEM block of text, which must be a
// CERTIFICATE.
func ParseCertificatePEM(text string) (*x509.Certificate, error) {
	der, err := decode(text, "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing the certificate: %w", err)
	}
	return cert, nil
}

// ParseRequestPEM reads the first PEM block of text, which must be a
// CERTIFICATE REQUEST with a valid signature.
func ParseRequestPEM(text string) (*x509.CertificateRequest, error) {
	der, err := decode(text, "CERTIFICATE REQUEST")
	if err != nil {
		return nil, err
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("parsing the certificate request: %w", err)
	}
	if err := req.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the certificate request's signature is invalid: %w", err)
	}
	return req, nil
}

func decode(text, typ string) ([]byte, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, fmt.Errorf("no PEM block found, want a %s", typ)
	}
	if block.Type != typ {
		return nil, fmt.Errorf("PEM block is a %s, want a %s", block.Type, typ)
	}
	return block.Bytes, nil
}
