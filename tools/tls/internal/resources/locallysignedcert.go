package resources

import (
	"context"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/tls/internal/certs"
	"pgsvc/tools/tls/internal/keys"
)

// LocallySignedCert signs a certificate request with a local CA
// (tls:index/locallySignedCert:LocallySignedCert). Its ID is the serial number.
type LocallySignedCert struct{}

// Annotate sets the SDK's token and describes the resource.
func (c *LocallySignedCert) Annotate(a infer.Annotator) {
	a.SetToken("index/locallySignedCert", "LocallySignedCert")
	a.Describe(&c, "Creates a TLS certificate in PEM (RFC 1421) format using a Certificate Signing Request (CSR) "+
		"and signs it with a provided (local) Certificate Authority (CA).")
}

// LocallySignedCertArgs are the inputs of a LocallySignedCert.
type LocallySignedCertArgs struct {
	CertArgs
	CertRequestPem  string `pulumi:"certRequestPem"`
	CaPrivateKeyPem string `pulumi:"caPrivateKeyPem" provider:"secret"`
	CaCertPem       string `pulumi:"caCertPem"`
}

// Annotate describes the inputs of a LocallySignedCert.
func (c *LocallySignedCertArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.CertRequestPem, "Certificate request data in PEM (RFC 1421) format.")
	a.Describe(&c.CaPrivateKeyPem, "Private key of the Certificate Authority (CA) used to sign the certificate, "+
		"in PEM (RFC 1421) format.")
	a.Describe(&c.CaCertPem, "Certificate data of the Certificate Authority (CA) in PEM (RFC 1421) format.")
}

// LocallySignedCertState is the state of a LocallySignedCert.
type LocallySignedCertState struct {
	LocallySignedCertArgs
	CertOutputs
	CaKeyAlgorithm string `pulumi:"caKeyAlgorithm"`
}

// Annotate describes the outputs of a LocallySignedCert.
func (s *LocallySignedCertState) Annotate(a infer.Annotator) {
	a.Describe(&s.CaKeyAlgorithm, "Name of the algorithm used when generating the private key provided in `caPrivateKeyPem`.")
}

// Check validates the request, CA, uses and hours on top of the default check.
func (*LocallySignedCert) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[LocallySignedCertArgs], error) {
	args, failures, err := infer.DefaultCheck[LocallySignedCertArgs](ctx, req.NewInputs)
	c := newChecker(req.NewInputs)
	c.certArgs()
	c.pem("certRequestPem", func(s string) error { _, err := certs.ParseRequestPEM(s); return err })
	c.pem("caCertPem", func(s string) error { _, err := certs.ParseCertificatePEM(s); return err })
	c.pem("caPrivateKeyPem", func(s string) error { _, _, err := keys.ParsePrivateKeyPEM(s); return err })
	return infer.CheckResponse[LocallySignedCertArgs]{Inputs: args, Failures: append(failures, c.failures...)}, err
}

// WireDependencies mirrors each input into the state (keeping secrets
// secret). The generated outputs depend on no input: a create preview leaves
// them unknown anyway, and Update, which only runs for earlyRenewalHours,
// keeps the certificate, so its preview shows them known and unchanged.
func (*LocallySignedCert) WireDependencies(f infer.FieldSelector, args *LocallySignedCertArgs, state *LocallySignedCertState) {
	mirror := func(out, inp any) { f.OutputField(out).DependsOn(f.InputField(inp)) }
	mirror(&state.AllowedUses, &args.AllowedUses)
	mirror(&state.ValidityPeriodHours, &args.ValidityPeriodHours)
	mirror(&state.EarlyRenewalHours, &args.EarlyRenewalHours)
	mirror(&state.IsCaCertificate, &args.IsCaCertificate)
	mirror(&state.SetSubjectKeyID, &args.SetSubjectKeyID)
	mirror(&state.CertRequestPem, &args.CertRequestPem)
	mirror(&state.CaPrivateKeyPem, &args.CaPrivateKeyPem)
	mirror(&state.CaCertPem, &args.CaCertPem)
	f.OutputField(&state.CaPrivateKeyPem).AlwaysSecret()
}

// Create signs the request; a preview signs nothing.
func (*LocallySignedCert) Create(ctx context.Context, req infer.CreateRequest[LocallySignedCertArgs]) (infer.CreateResponse[LocallySignedCertState], error) {
	args := req.Inputs
	args.normalize()
	state := LocallySignedCertState{LocallySignedCertArgs: args}
	if req.DryRun {
		return infer.CreateResponse[LocallySignedCertState]{Output: state}, nil
	}
	csr, err := certs.ParseRequestPEM(args.CertRequestPem)
	if err != nil {
		return infer.CreateResponse[LocallySignedCertState]{}, fmt.Errorf("certRequestPem: %w", err)
	}
	caKey, alg, err := keys.ParsePrivateKeyPEM(args.CaPrivateKeyPem)
	if err != nil {
		return infer.CreateResponse[LocallySignedCertState]{}, fmt.Errorf("caPrivateKeyPem: %w", err)
	}
	caCert, err := certs.ParseCertificatePEM(args.CaCertPem)
	if err != nil {
		return infer.CreateResponse[LocallySignedCertState]{}, fmt.Errorf("caCertPem: %w", err)
	}
	if !caCert.IsCA {
		p.GetLogger(ctx).Warning("caCertPem is not a CA certificate (no CA basic constraint); " +
			"the signed certificate will likely fail verification")
	}
	at := now()
	iss, err := certs.Sign(csr, caCert, caKey, args.policy(), at)
	if err != nil {
		return infer.CreateResponse[LocallySignedCertState]{}, err
	}
	state.CaKeyAlgorithm = string(alg)
	state.issued(iss, &args.CertArgs, at)
	return infer.CreateResponse[LocallySignedCertState]{ID: iss.Serial, Output: state}, nil
}

// Update changes earlyRenewalHours in place; readyForRenewal follows it.
func (*LocallySignedCert) Update(ctx context.Context, req infer.UpdateRequest[LocallySignedCertArgs, LocallySignedCertState]) (infer.UpdateResponse[LocallySignedCertState], error) {
	state := req.State
	state.EarlyRenewalHours = orDefault(req.Inputs.EarlyRenewalHours, 0)
	if err := state.renew(&state.CertArgs); err != nil {
		return infer.UpdateResponse[LocallySignedCertState]{}, err
	}
	return infer.UpdateResponse[LocallySignedCertState]{Output: state}, nil
}

// Read (refresh) recomputes readyForRenewal, as upstream.
func (*LocallySignedCert) Read(ctx context.Context, req infer.ReadRequest[LocallySignedCertArgs, LocallySignedCertState]) (infer.ReadResponse[LocallySignedCertArgs, LocallySignedCertState], error) {
	state := req.State
	if err := state.renew(&state.CertArgs); err != nil {
		return infer.ReadResponse[LocallySignedCertArgs, LocallySignedCertState]{}, err
	}
	return infer.ReadResponse[LocallySignedCertArgs, LocallySignedCertState]{ID: req.ID, Inputs: req.Inputs, State: state}, nil
}
