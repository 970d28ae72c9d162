package resources

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/tls/internal/certs"
	"pgsvc/tools/tls/internal/keys"
)

// SelfSignedCert issues a self-signed certificate
// (tls:index/selfSignedCert:SelfSignedCert). Its ID is the serial number.
type SelfSignedCert struct{}

// Annotate sets the SDK's token and describes the resource.
func (c *SelfSignedCert) Annotate(a infer.Annotator) {
	a.SetToken("index/selfSignedCert", "SelfSignedCert")
	a.Describe(&c, "Creates a self-signed TLS certificate in PEM (RFC 1421) format.")
}

// SelfSignedCertArgs are the inputs of a SelfSignedCert.
type SelfSignedCertArgs struct {
	CertArgs
	PrivateKeyPem     string                 `pulumi:"privateKeyPem" provider:"secret"`
	Subject           *SelfSignedCertSubject `pulumi:"subject,optional"`
	DNSNames          []string               `pulumi:"dnsNames,optional"`
	IPAddresses       []string               `pulumi:"ipAddresses,optional"`
	URIs              []string               `pulumi:"uris,optional"`
	SetAuthorityKeyID *bool                  `pulumi:"setAuthorityKeyId,optional"`
}

// Annotate describes the inputs of a SelfSignedCert.
func (c *SelfSignedCertArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.PrivateKeyPem, "Private key in PEM (RFC 1421) format, that the certificate will belong to.")
	a.Describe(&c.Subject, "The subject for which a certificate is being requested.")
	a.Describe(&c.DNSNames, "List of DNS names for which a certificate is being requested (i.e. certificate subjects).")
	a.Describe(&c.IPAddresses, "List of IP addresses for which a certificate is being requested (i.e. certificate subjects).")
	a.Describe(&c.URIs, "List of URIs for which a certificate is being requested (i.e. certificate subjects).")
	a.Describe(&c.SetAuthorityKeyID, "Should the generated certificate include an authority key identifier: for "+
		"self-signed certificates this is the same value as the subject key identifier (default: `false`).")
	a.SetDefault(&c.SetAuthorityKeyID, false)
}

// SelfSignedCertState is the state of a SelfSignedCert.
type SelfSignedCertState struct {
	SelfSignedCertArgs
	CertOutputs
	KeyAlgorithm string `pulumi:"keyAlgorithm"`
}

// Annotate describes the outputs of a SelfSignedCert.
func (s *SelfSignedCertState) Annotate(a infer.Annotator) {
	a.Describe(&s.KeyAlgorithm, "Name of the algorithm used when generating the private key provided in `privateKeyPem`.")
}

// Check validates the key, uses, hours and names on top of the default check.
func (*SelfSignedCert) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[SelfSignedCertArgs], error) {
	args, failures, err := infer.DefaultCheck[SelfSignedCertArgs](ctx, req.NewInputs)
	c := newChecker(req.NewInputs)
	c.certArgs()
	c.sans()
	c.pem("privateKeyPem", func(s string) error { _, _, err := keys.ParsePrivateKeyPEM(s); return err })
	return infer.CheckResponse[SelfSignedCertArgs]{Inputs: args, Failures: append(failures, c.failures...)}, err
}

// WireDependencies mirrors each input into the state (keeping secrets
// secret). The generated outputs depend on no input: a create preview leaves
// them unknown anyway, and Update, which only runs for earlyRenewalHours,
// keeps the certificate, so its preview shows them known and unchanged.
func (*SelfSignedCert) WireDependencies(f infer.FieldSelector, args *SelfSignedCertArgs, state *SelfSignedCertState) {
	mirror := func(out, inp any) { f.OutputField(out).DependsOn(f.InputField(inp)) }
	mirror(&state.AllowedUses, &args.AllowedUses)
	mirror(&state.ValidityPeriodHours, &args.ValidityPeriodHours)
	mirror(&state.EarlyRenewalHours, &args.EarlyRenewalHours)
	mirror(&state.IsCaCertificate, &args.IsCaCertificate)
	mirror(&state.SetSubjectKeyID, &args.SetSubjectKeyID)
	mirror(&state.PrivateKeyPem, &args.PrivateKeyPem)
	mirror(&state.Subject, &args.Subject)
	mirror(&state.DNSNames, &args.DNSNames)
	mirror(&state.IPAddresses, &args.IPAddresses)
	mirror(&state.URIs, &args.URIs)
	mirror(&state.SetAuthorityKeyID, &args.SetAuthorityKeyID)
	f.OutputField(&state.PrivateKeyPem).AlwaysSecret()
}

// Create issues the certificate; a preview issues nothing.
func (*SelfSignedCert) Create(ctx context.Context, req infer.CreateRequest[SelfSignedCertArgs]) (infer.CreateResponse[SelfSignedCertState], error) {
	args := req.Inputs
	args.normalize()
	args.SetAuthorityKeyID = orDefault(args.SetAuthorityKeyID, false)
	state := SelfSignedCertState{SelfSignedCertArgs: args}
	if req.DryRun {
		return infer.CreateResponse[SelfSignedCertState]{Output: state}, nil
	}
	key, alg, err := keys.ParsePrivateKeyPEM(args.PrivateKeyPem)
	if err != nil {
		return infer.CreateResponse[SelfSignedCertState]{}, fmt.Errorf("privateKeyPem: %w", err)
	}
	sans, err := certs.ParseSANs(args.DNSNames, args.IPAddresses, args.URIs)
	if err != nil {
		return infer.CreateResponse[SelfSignedCertState]{}, err
	}
	pol := args.policy()
	pol.SetAuthorityKeyID = *args.SetAuthorityKeyID
	at := now()
	iss, err := certs.SelfSign(key, certsSubject((*Subject)(args.Subject)).Name(), sans, pol, at)
	if err != nil {
		return infer.CreateResponse[SelfSignedCertState]{}, err
	}
	state.KeyAlgorithm = string(alg)
	state.issued(iss, &args.CertArgs, at)
	return infer.CreateResponse[SelfSignedCertState]{ID: iss.Serial, Output: state}, nil
}

// Update changes earlyRenewalHours in place: see updateCert.
func (*SelfSignedCert) Update(ctx context.Context, req infer.UpdateRequest[SelfSignedCertArgs, SelfSignedCertState]) (infer.UpdateResponse[SelfSignedCertState], error) {
	state := req.State
	state.EarlyRenewalHours = orDefault(req.Inputs.EarlyRenewalHours, 0)
	if err := state.renew(&state.CertArgs); err != nil {
		return infer.UpdateResponse[SelfSignedCertState]{}, err
	}
	return infer.UpdateResponse[SelfSignedCertState]{Output: state}, nil
}

// Read (refresh) recomputes readyForRenewal, as upstream.
func (*SelfSignedCert) Read(ctx context.Context, req infer.ReadRequest[SelfSignedCertArgs, SelfSignedCertState]) (infer.ReadResponse[SelfSignedCertArgs, SelfSignedCertState], error) {
	state := req.State
	if err := state.renew(&state.CertArgs); err != nil {
		return infer.ReadResponse[SelfSignedCertArgs, SelfSignedCertState]{}, err
	}
	return infer.ReadResponse[SelfSignedCertArgs, SelfSignedCertState]{ID: req.ID, Inputs: req.Inputs, State: state}, nil
}
