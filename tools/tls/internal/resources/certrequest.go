package resources

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/tls/internal/certs"
	"pgsvc/tools/tls/internal/keys"
)

// CertRequest makes a certificate signing request
// (tls:index/certRequest:CertRequest). It has no Update: every input change
// replaces it.
type CertRequest struct{}

// Annotate sets the SDK's token and describes the resource.
func (r *CertRequest) Annotate(a infer.Annotator) {
	a.SetToken("index/certRequest", "CertRequest")
	a.Describe(&r, "Creates a Certificate Signing Request (CSR) in PEM (RFC 1421) format.")
}

// CertRequestArgs are the inputs of a CertRequest.
type CertRequestArgs struct {
	PrivateKeyPem string              `pulumi:"privateKeyPem" provider:"secret"`
	Subject       *CertRequestSubject `pulumi:"subject,optional"`
	DNSNames      []string            `pulumi:"dnsNames,optional"`
	IPAddresses   []string            `pulumi:"ipAddresses,optional"`
	URIs          []string            `pulumi:"uris,optional"`
}

// Annotate describes the inputs of a CertRequest.
func (r *CertRequestArgs) Annotate(a infer.Annotator) {
	a.Describe(&r.PrivateKeyPem, "Private key in PEM (RFC 1421) format, that the certificate will belong to.")
	a.Describe(&r.Subject, "The subject for which a certificate is being requested.")
	a.Describe(&r.DNSNames, "List of DNS names for which a certificate is being requested (i.e. certificate subjects).")
	a.Describe(&r.IPAddresses, "List of IP addresses for which a certificate is being requested (i.e. certificate subjects).")
	a.Describe(&r.URIs, "List of URIs for which a certificate is being requested (i.e. certificate subjects).")
}

// CertRequestState is the state of a CertRequest.
type CertRequestState struct {
	CertRequestArgs
	CertRequestPem string `pulumi:"certRequestPem"`
	KeyAlgorithm   string `pulumi:"keyAlgorithm"`
}

// Annotate describes the outputs of a CertRequest.
func (s *CertRequestState) Annotate(a infer.Annotator) {
	a.Describe(&s.CertRequestPem, "The certificate request data in PEM (RFC 1421) format, ending in a newline.")
	a.Describe(&s.KeyAlgorithm, "Name of the algorithm used when generating the private key provided in `privateKeyPem`.")
}

// Check validates the key and names on top of the default check.
func (*CertRequest) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[CertRequestArgs], error) {
	args, failures, err := infer.DefaultCheck[CertRequestArgs](ctx, req.NewInputs)
	c := newChecker(req.NewInputs)
	c.sans()
	c.pem("privateKeyPem", func(s string) error { _, _, err := keys.ParsePrivateKeyPEM(s); return err })
	return infer.CheckResponse[CertRequestArgs]{Inputs: args, Failures: append(failures, c.failures...)}, err
}

// WireDependencies keeps the private key secret in the state.
func (*CertRequest) WireDependencies(f infer.FieldSelector, args *CertRequestArgs, state *CertRequestState) {
	f.OutputField(&state.PrivateKeyPem).AlwaysSecret()
}

// Create makes the request; a preview makes nothing.
func (*CertRequest) Create(ctx context.Context, req infer.CreateRequest[CertRequestArgs]) (infer.CreateResponse[CertRequestState], error) {
	args := req.Inputs
	state := CertRequestState{CertRequestArgs: args}
	if req.DryRun {
		return infer.CreateResponse[CertRequestState]{Output: state}, nil
	}
	key, alg, err := keys.ParsePrivateKeyPEM(args.PrivateKeyPem)
	if err != nil {
		return infer.CreateResponse[CertRequestState]{}, fmt.Errorf("privateKeyPem: %w", err)
	}
	sans, err := certs.ParseSANs(args.DNSNames, args.IPAddresses, args.URIs)
	if err != nil {
		return infer.CreateResponse[CertRequestState]{}, err
	}
	csr, err := certs.CreateRequest(key, certsSubject((*Subject)(args.Subject)).Name(), sans)
	if err != nil {
		return infer.CreateResponse[CertRequestState]{}, err
	}
	state.CertRequestPem = csr
	state.KeyAlgorithm = string(alg)
	sum := sha1.Sum([]byte(strings.TrimSpace(csr)))
	return infer.CreateResponse[CertRequestState]{ID: hex.EncodeToString(sum[:]), Output: state}, nil
}
