package resources

import (
	"context"

	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/tls/internal/keys"
)

// PrivateKey generates a private key (tls:index/privateKey:PrivateKey). It has
// no Update: every input change replaces it. Delete only forgets it.
type PrivateKey struct{}

// Annotate sets the SDK's token and describes the resource.
func (k *PrivateKey) Annotate(a infer.Annotator) {
	a.SetToken("index/privateKey", "PrivateKey")
	a.Describe(&k, "Creates a PEM (and OpenSSH) formatted private key. The key is kept, as a secret, in the state.")
}

// PrivateKeyArgs are the inputs of a PrivateKey.
type PrivateKeyArgs struct {
	Algorithm  string  `pulumi:"algorithm"`
	EcdsaCurve *string `pulumi:"ecdsaCurve,optional"`
	RsaBits    *int    `pulumi:"rsaBits,optional"`
}

// Annotate describes the inputs and sets upstream's defaults.
func (a *PrivateKeyArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Algorithm, "Name of the algorithm to use when generating the private key. "+
		"Currently-supported values are: `RSA`, `ECDSA`, `ED25519`.")
	an.Describe(&a.EcdsaCurve, "When `algorithm` is `ECDSA`, the name of the elliptic curve to use. "+
		"Currently-supported values are: `P224`, `P256`, `P384`, `P521`. (default: `P224`).")
	an.Describe(&a.RsaBits, "When `algorithm` is `RSA`, the size of the generated RSA key, in bits (default: `2048`).")
	an.SetDefault(&a.EcdsaCurve, keys.DefaultCurve)
	an.SetDefault(&a.RsaBits, keys.DefaultRSABits)
}

// PrivateKeyState is the state of a PrivateKey.
type PrivateKeyState struct {
	PrivateKeyArgs
	PrivateKeyPem              string `pulumi:"privateKeyPem" provider:"secret"`
	PrivateKeyPemPkcs8         string `pulumi:"privateKeyPemPkcs8" provider:"secret"`
	PrivateKeyOpenssh          string `pulumi:"privateKeyOpenssh" provider:"secret"`
	PublicKeyPem               string `pulumi:"publicKeyPem"`
	PublicKeyOpenssh           string `pulumi:"publicKeyOpenssh"`
	PublicKeyFingerprintMd5    string `pulumi:"publicKeyFingerprintMd5"`
	PublicKeyFingerprintSha256 string `pulumi:"publicKeyFingerprintSha256"`
}

// Annotate describes the outputs.
func (s *PrivateKeyState) Annotate(a infer.Annotator) {
	a.Describe(&s.PrivateKeyPem, "Private key data in PEM (RFC 1421) format: PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 for ED25519.")
	a.Describe(&s.PrivateKeyPemPkcs8, "Private key data in PKCS#8 PEM (RFC 5208) format.")
	a.Describe(&s.PrivateKeyOpenssh, "Private key data in OpenSSH PEM (RFC 4716) format. Empty for ECDSA P224.")
	a.Describe(&s.PublicKeyPem, "Public key data in PEM (RFC 1421) format, ending in a newline.")
	a.Describe(&s.PublicKeyOpenssh, "The public key data in \"Authorized Keys\" format, ending in a newline. "+
		"Empty for ECDSA P224.")
	a.Describe(&s.PublicKeyFingerprintMd5, "The fingerprint of the public key data in OpenSSH MD5 hash format, "+
		"e.g. `aa:bb:cc:...`. Empty for ECDSA P224.")
	a.Describe(&s.PublicKeyFingerprintSha256, "The fingerprint of the public key data in OpenSSH SHA256 hash format, "+
		"e.g. `SHA256:...`. Empty for ECDSA P224.")
}

// Check validates the algorithm, curve and size on top of the default check.
func (*PrivateKey) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[PrivateKeyArgs], error) {
	args, failures, err := infer.DefaultCheck[PrivateKeyArgs](ctx, req.NewInputs)
	c := newChecker(req.NewInputs)
	c.oneOf("algorithm", keys.Algorithms)
	c.oneOf("ecdsaCurve", keys.Curves)
	c.atLeast("rsaBits", 1024) // crypto/rsa refuses smaller keys
	return infer.CheckResponse[PrivateKeyArgs]{Inputs: args, Failures: append(failures, c.failures...)}, err
}

// WireDependencies keeps the private forms secret whatever the inputs.
func (*PrivateKey) WireDependencies(f infer.FieldSelector, args *PrivateKeyArgs, state *PrivateKeyState) {
	f.OutputField(&state.PrivateKeyPem).AlwaysSecret()
	f.OutputField(&state.PrivateKeyPemPkcs8).AlwaysSecret()
	f.OutputField(&state.PrivateKeyOpenssh).AlwaysSecret()
}

// Create generates the key; a preview generates nothing.
func (*PrivateKey) Create(ctx context.Context, req infer.CreateRequest[PrivateKeyArgs]) (infer.CreateResponse[PrivateKeyState], error) {
	args := req.Inputs
	args.EcdsaCurve = orDefault(args.EcdsaCurve, keys.DefaultCurve)
	args.RsaBits = orDefault(args.RsaBits, keys.DefaultRSABits)
	state := PrivateKeyState{PrivateKeyArgs: args}
	if req.DryRun {
		return infer.CreateResponse[PrivateKeyState]{Output: state}, nil
	}
	key, err := keys.Generate(keys.Algorithm(args.Algorithm), *args.RsaBits, *args.EcdsaCurve)
	if err != nil {
		return infer.CreateResponse[PrivateKeyState]{}, err
	}
	enc, err := keys.Encode(key)
	if err != nil {
		return infer.CreateResponse[PrivateKeyState]{}, err
	}
	state.PrivateKeyPem = enc.PrivateKeyPem
	state.PrivateKeyPemPkcs8 = enc.PrivateKeyPemPkcs8
	state.PrivateKeyOpenssh = enc.PrivateKeyOpenssh
	state.PublicKeyPem = enc.PublicKeyPem
	state.PublicKeyOpenssh = enc.PublicKeyOpenssh
	state.PublicKeyFingerprintMd5 = enc.PublicKeyFingerprintMd5
	state.PublicKeyFingerprintSha256 = enc.PublicKeyFingerprintSha256
	return infer.CreateResponse[PrivateKeyState]{ID: enc.ID, Output: state}, nil
}

// orDefault returns v, or a pointer to def when v is nil.
func orDefault[T any](v *T, def T) *T {
	if v == nil {
		return &def
	}
	return v
}
