package resources

import (
	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/tls/internal/certs"
)

// Subject is the `subject` input of SelfSignedCert and CertRequest. Each
// resource has its own named copy so that the schema has the SDK's two types.
type Subject struct {
	CommonName         *string  `pulumi:"commonName,optional"`
	Country            *string  `pulumi:"country,optional"`
	EmailAddress       *string  `pulumi:"emailAddress,optional"`
	Locality           *string  `pulumi:"locality,optional"`
	Organization       *string  `pulumi:"organization,optional"`
	OrganizationalUnit *string  `pulumi:"organizationalUnit,optional"`
	PostalCode         *string  `pulumi:"postalCode,optional"`
	Province           *string  `pulumi:"province,optional"`
	SerialNumber       *string  `pulumi:"serialNumber,optional"`
	StreetAddresses    []string `pulumi:"streetAddresses,optional"`
}

// SelfSignedCertSubject is the subject of a SelfSignedCert.
type SelfSignedCertSubject Subject

// Annotate sets the SDK's token and describes the fields.
func (s *SelfSignedCertSubject) Annotate(a infer.Annotator) {
	a.SetToken("index/SelfSignedCertSubject", "SelfSignedCertSubject")
	describeSubject(a, (*Subject)(s))
}

// CertRequestSubject is the subject of a CertRequest.
type CertRequestSubject Subject

// Annotate sets the SDK's token and describes the fields.
func (s *CertRequestSubject) Annotate(a infer.Annotator) {
	a.SetToken("index/CertRequestSubject", "CertRequestSubject")
	describeSubject(a, (*Subject)(s))
}

// describeSubject describes the fields of s, the receiver of an Annotate.
func describeSubject(a infer.Annotator, s *Subject) {
	a.Describe(&s.CommonName, "Distinguished name: `CN`")
	a.Describe(&s.Country, "Distinguished name: `C`")
	a.Describe(&s.EmailAddress, "ASN.1 Object Identifier (OID): `1.2.840.113549.1.9.1`")
	a.Describe(&s.Locality, "Distinguished name: `L`")
	a.Describe(&s.Organization, "Distinguished name: `O`")
	a.Describe(&s.OrganizationalUnit, "Distinguished name: `OU`")
	a.Describe(&s.PostalCode, "Distinguished name: `PC`")
	a.Describe(&s.Province, "Distinguished name: `ST`")
	a.Describe(&s.SerialNumber, "Distinguished name: `SERIALNUMBER`")
	a.Describe(&s.StreetAddresses, "Distinguished name: `STREET`")
}

// certsSubject converts s (nil: no subject).
func certsSubject(s *Subject) certs.Subject {
	if s == nil {
		return certs.Subject{}
	}
	str := func(v *string) string {
		if v == nil {
			return ""
		}
		return *v
	}
	return certs.Subject{
		CommonName:         str(s.CommonName),
		Organization:       str(s.Organization),
		OrganizationalUnit: str(s.OrganizationalUnit),
		StreetAddresses:    s.StreetAddresses,
		Locality:           str(s.Locality),
		Province:           str(s.Province),
		Country:            str(s.Country),
		PostalCode:         str(s.PostalCode),
		SerialNumber:       str(s.SerialNumber),
		EmailAddress:       str(s.EmailAddress),
	}
}
