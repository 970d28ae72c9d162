package certs

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"net/url"
)

// Subject is a certificate subject as the tls resources take it. Empty
// fields are left out of the distinguished name.
type Subject struct {
	CommonName         string
	Organization       string
	OrganizationalUnit string
	StreetAddresses    []string
	Locality           string
	Province           string
	Country            string
	PostalCode         string
	SerialNumber       string
	EmailAddress       string
}

// oidEmailAddress is PKCS #9 emailAddress, which pkix.Name has no field for.
var oidEmailAddress = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// Name returns s as a distinguished name.
func (s Subject) Name() pkix.Name {
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	n := pkix.Name{
		CommonName:         s.CommonName,
		Organization:       one(s.Organization),
		OrganizationalUnit: one(s.OrganizationalUnit),
		StreetAddress:      s.StreetAddresses,
		Locality:           one(s.Locality),
		Province:           one(s.Province),
		Country:            one(s.Country),
		PostalCode:         one(s.PostalCode),
		SerialNumber:       s.SerialNumber,
	}
	if s.EmailAddress != "" {
		n.ExtraNames = append(n.ExtraNames, pkix.AttributeTypeAndValue{
			Type:  oidEmailAddress,
			Value: asn1.RawValue{Tag: asn1.TagIA5String, Bytes: []byte(s.EmailAddress)},
		})
	}
	return n
}

// SANs are the subject alternative names of a certificate or request.
type SANs struct {
	DNSNames    []string
	IPAddresses []net.IP
	URIs        []*url.URL
}

// ParseSANs reads DNS names, IP addresses and URIs as the resources take them.
func ParseSANs(dnsNames, ipAddresses, uris []string) (SANs, error) {
	s := SANs{DNSNames: dnsNames}
	for _, text := range ipAddresses {
		ip, err := ParseIP(text)
		if err != nil {
			return SANs{}, err
		}
		s.IPAddresses = append(s.IPAddresses, ip)
	}
	for _, text := range uris {
		u, err := ParseURI(text)
		if err != nil {
			return SANs{}, err
		}
		s.URIs = append(s.URIs, u)
	}
	return s, nil
}

// ParseIP reads an IPv4 or IPv6 address.
func ParseIP(text string) (net.IP, error) {
	ip := net.ParseIP(text)
	if ip == nil {
		return nil, fmt.Errorf("invalid IP address %q", text)
	}
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	return ip, nil
}

// ParseURI reads a URI.
func ParseURI(text string) (*url.URL, error) {
	u, err := url.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("invalid URI: %w", err) // err quotes the text
	}
	return u, nil
}
