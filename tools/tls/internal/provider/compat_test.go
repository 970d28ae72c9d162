package provider

// Compatibility with the official Go SDK github.com/pulumi/pulumi-tls/sdk/v5
// v5.2.0 (a test-only dependency): its property names and types against this
// provider's schema, and a real SDK program whose registrations are served by
// this provider.

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/mod/modfile"
)

const sdkModule = "github.com/pulumi/pulumi-tls/sdk/v5"

// sdkResources are the SDK's resources: token, the input struct behind its
// Args (from ElementType, with `pulumi` tags) and the resource struct (outputs).
var sdkResources = []struct {
	token    string
	args     reflect.Type
	resource reflect.Type
}{
	{PrivateKey, tls.PrivateKeyArgs{}.ElementType(), reflect.TypeFor[tls.PrivateKey]()},
	{SelfSignedCert, tls.SelfSignedCertArgs{}.ElementType(), reflect.TypeFor[tls.SelfSignedCert]()},
	{CertRequest, tls.CertRequestArgs{}.ElementType(), reflect.TypeFor[tls.CertRequest]()},
	{LocallySignedCert, tls.LocallySignedCertArgs{}.ElementType(), reflect.TypeFor[tls.LocallySignedCert]()},
}

// TestVersionIsTheSDKs: the plugin reports the version of the SDK in go.mod
// (the version the SDK asks the engine for; TestSDKProgram checks the ask).
func TestVersionIsTheSDKs(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range mf.Require {
		if r.Mod.Path == sdkModule {
			if r.Mod.Version != "v"+Version {
				t.Errorf("provider Version %s, but go.mod requires %s %s", Version, sdkModule, r.Mod.Version)
			}
			return
		}
	}
	t.Fatalf("go.mod does not require %s", sdkModule)
}

// TestSchemaMatchesSDK: every input and output of the SDK is in the schema
// under the same name with the same type, and the schema has nothing the SDK
// cannot send or read; inputs the SDK types as required are required.
func TestSchemaMatchesSDK(t *testing.T) {
	spec := schemaOf(t, newServer(t))
	if spec.Name != "tls" || spec.Version != Version {
		t.Errorf("schema package %s %s, want tls %s", spec.Name, spec.Version, Version)
	}
	if len(spec.Resources) != len(sdkResources) {
		t.Errorf("schema has %d resources, want the SDK's %d", len(spec.Resources), len(sdkResources))
	}
	for _, sr := range sdkResources {
		t.Run(sr.token, func(t *testing.T) {
			rs, ok := spec.Resources[sr.token]
			if !ok {
				t.Fatalf("no resource %s in the schema", sr.token)
			}
			// Inputs.
			sdkIn := taggedFields(sr.args)
			for name, f := range sdkIn {
				ps, ok := rs.InputProperties[name]
				if !ok {
					t.Errorf("SDK input %q is not an input of the schema", name)
					continue
				}
				checkType(t, spec, "input "+name, f.Type, ps.TypeSpec)
				if k := f.Type.Kind(); k != reflect.Pointer && k != reflect.Slice && !slices.Contains(rs.RequiredInputs, name) {
					t.Errorf("input %q is required in the SDK but optional in the schema", name)
				}
			}
			for name := range rs.InputProperties {
				if _, ok := sdkIn[name]; !ok {
					t.Errorf("schema input %q is not in the SDK", name)
				}
			}
			for _, name := range rs.RequiredInputs {
				if _, ok := sdkIn[name]; !ok {
					t.Errorf("schema requires %q, which the SDK cannot send", name)
				}
			}
			// Outputs.
			sdkOut := outputFields(sr.resource)
			for name, typ := range sdkOut {
				ps, ok := rs.Properties[name]
				if !ok {
					t.Errorf("SDK output %q is not an output of the schema", name)
					continue
				}
				checkType(t, spec, "output "+name, typ, ps.TypeSpec)
			}
			for name := range rs.Properties {
				if _, ok := sdkOut[name]; !ok {
					t.Errorf("schema output %q is not in the SDK", name)
				}
			}
		})
	}
}

// taggedFields maps the `pulumi` tag names of struct t to their fields.
func taggedFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
		if name != "" && !f.Anonymous {
			out[name] = f
		}
	}
	return out
}

// outputFields maps the output names of an SDK resource struct to the Go
// types they resolve to (StringOutput: string, IntOutput: int, ...).
func outputFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for name, f := range taggedFields(t) {
		if name == "urn" || name == "id" {
			continue
		}
		o, ok := reflect.New(f.Type).Elem().Interface().(pulumi.Output)
		if !ok {
			continue
		}
		out[name] = o.ElementType()
	}
	return out
}

// checkType checks a Go type of the SDK against a schema type.
func checkType(t *testing.T, spec pschema.PackageSpec, what string, goType reflect.Type, ts pschema.TypeSpec) {
	t.Helper()
	for goType.Kind() == reflect.Pointer {
		goType = goType.Elem()
	}
	want := map[reflect.Kind]string{reflect.String: "string", reflect.Int: "integer", reflect.Bool: "boolean",
		reflect.Float64: "number", reflect.Slice: "array"}[goType.Kind()]
	switch {
	case goType.Kind() == reflect.Struct:
		ref := strings.TrimPrefix(ts.Ref, "#/types/")
		obj, ok := spec.Types[ref]
		if !ok {
			t.Errorf("%s: SDK type %s, schema %+v is not an object type", what, goType, ts)
			return
		}
		if tok := "tls:index/" + goType.Name() + ":" + goType.Name(); ref != tok {
			t.Errorf("%s: type token %s, want %s", what, ref, tok)
		}
		fields := taggedFields(goType)
		for name, f := range fields {
			ps, ok := obj.Properties[name]
			if !ok {
				t.Errorf("%s: SDK field %q is not in %s", what, name, ref)
				continue
			}
			checkType(t, spec, what+"."+name, f.Type, ps.TypeSpec)
		}
		for name := range obj.Properties {
			if _, ok := fields[name]; !ok {
				t.Errorf("%s: schema field %q of %s is not in the SDK", what, name, ref)
			}
		}
	case ts.Type != want:
		t.Errorf("%s: SDK type %s, schema type %q", what, goType, ts.Type)
	case goType.Kind() == reflect.Slice:
		checkType(t, spec, what+"[]", goType.Elem(), *ts.Items)
	}
}

// forward is a mock resource monitor that serves the SDK's registrations with
// this provider: Check, then Create, as the engine does.
type forward struct {
	t      *testing.T
	s      integration.Server
	mu     sync.Mutex
	regs   map[string]*pulumirpc.RegisterResourceRequest // by name
	states map[string]property.Map                       // by name
}

func (f *forward) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	f.mu.Lock()
	f.regs[args.Name] = args.RegisterRPC
	f.mu.Unlock()
	urn := resource.NewURN("dev", "pgsvc", "", tokens.Type(args.TypeToken), args.Name)
	inputs := resource.FromResourcePropertyValue(resource.NewProperty(args.Inputs)).AsMap()
	checked, err := f.s.Check(p.CheckRequest{Urn: urn, Inputs: inputs})
	if err != nil {
		return "", nil, err
	}
	if len(checked.Failures) > 0 {
		return "", nil, fmt.Errorf("check %s: %+v", args.Name, checked.Failures)
	}
	created, err := f.s.Create(p.CreateRequest{Urn: urn, Properties: checked.Inputs})
	if err != nil {
		return "", nil, fmt.Errorf("create %s: %w", args.Name, err)
	}
	f.mu.Lock()
	f.states[args.Name] = created.Properties
	f.mu.Unlock()
	return created.ID, resource.ToResourcePropertyValue(property.New(created.Properties)).ObjectValue(), nil
}

func (f *forward) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, errors.New("no invokes are implemented")
}

// resolved holds the values of every output of the SDK's resources.
type resolved struct {
	mu      sync.Mutex
	values  map[string]map[string]any  // resource name, output name
	secrets map[string]map[string]bool // resource name, output name
}

// collect resolves every output field of an SDK resource.
func (r *resolved) collect(name string, res any) {
	v := reflect.ValueOf(res).Elem()
	for out := range outputFields(v.Type()) {
		var field reflect.Value
		for _, f := range reflect.VisibleFields(v.Type()) {
			if n, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); n == out {
				field = v.FieldByIndex(f.Index)
			}
		}
		o := field.Interface().(pulumi.Output)
		pulumi.All(o).ApplyT(func(all []any) (any, error) {
			secret := pulumi.IsSecret(o)
			r.mu.Lock()
			defer r.mu.Unlock()
			r.values[name][out] = all[0]
			r.secrets[name][out] = secret
			return nil, nil
		})
	}
}

// TestSDKProgram runs a Pulumi program written with the SDK, with every
// input set, against this provider, and reads every output back through the
// SDK's types.
func TestSDKProgram(t *testing.T) {
	fwd := &forward{t: t, s: newServer(t), regs: map[string]*pulumirpc.RegisterResourceRequest{},
		states: map[string]property.Map{}}
	got := &resolved{values: map[string]map[string]any{}, secrets: map[string]map[string]bool{}}
	names := []string{"ca-key", "ca", "leaf-key", "leaf-csr", "leaf"}
	for _, n := range names {
		got.values[n], got.secrets[n] = map[string]any{}, map[string]bool{}
	}

	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		caKey, err := tls.NewPrivateKey(ctx, "ca-key", &tls.PrivateKeyArgs{
			Algorithm:  pulumi.String("ECDSA"),
			EcdsaCurve: pulumi.String("P256"),
			RsaBits:    pulumi.Int(2048),
		})
		if err != nil {
			return err
		}
		ca, err := tls.NewSelfSignedCert(ctx, "ca", &tls.SelfSignedCertArgs{
			PrivateKeyPem:       caKey.PrivateKeyPem,
			ValidityPeriodHours: pulumi.Int(24 * 365),
			EarlyRenewalHours:   pulumi.Int(24 * 30),
			AllowedUses:         pulumi.StringArray{pulumi.String("cert_signing"), pulumi.String("crl_signing")},
			IsCaCertificate:     pulumi.Bool(true),
			SetSubjectKeyId:     pulumi.Bool(true),
			SetAuthorityKeyId:   pulumi.Bool(true),
			DnsNames:            pulumi.StringArray{pulumi.String("ca.pgsvc")},
			IpAddresses:         pulumi.StringArray{pulumi.String("10.213.0.1")},
			Uris:                pulumi.StringArray{pulumi.String("spiffe://pgsvc/ca")},
			Subject: &tls.SelfSignedCertSubjectArgs{
				CommonName:         pulumi.String("pgsvc CA"),
				Organization:       pulumi.String("pgsvc"),
				OrganizationalUnit: pulumi.String("ops"),
				Country:            pulumi.String("CH"),
				Province:           pulumi.String("ZH"),
				Locality:           pulumi.String("Zurich"),
				PostalCode:         pulumi.String("8000"),
				StreetAddresses:    pulumi.StringArray{pulumi.String("Street 1")},
				SerialNumber:       pulumi.String("1"),
				EmailAddress:       pulumi.String("ops@pgsvc.example"),
			},
		})
		if err != nil {
			return err
		}
		leafKey, err := tls.NewPrivateKey(ctx, "leaf-key", &tls.PrivateKeyArgs{
			Algorithm: pulumi.String("RSA"),
			RsaBits:   pulumi.Int(2048),
		})
		if err != nil {
			return err
		}
		csr, err := tls.NewCertRequest(ctx, "leaf-csr", &tls.CertRequestArgs{
			PrivateKeyPem: leafKey.PrivateKeyPem,
			DnsNames:      pulumi.StringArray{pulumi.String("db.pgsvc")},
			IpAddresses:   pulumi.StringArray{pulumi.String("10.213.0.11")},
			Uris:          pulumi.StringArray{pulumi.String("spiffe://pgsvc/db")},
			Subject: &tls.CertRequestSubjectArgs{
				CommonName:         pulumi.String("db.pgsvc"),
				Organization:       pulumi.String("pgsvc"),
				OrganizationalUnit: pulumi.String("db"),
				Country:            pulumi.String("CH"),
				Province:           pulumi.String("ZH"),
				Locality:           pulumi.String("Zurich"),
				PostalCode:         pulumi.String("8000"),
				StreetAddresses:    pulumi.StringArray{pulumi.String("Street 2")},
				SerialNumber:       pulumi.String("2"),
				EmailAddress:       pulumi.String("db@pgsvc.example"),
			},
		})
		if err != nil {
			return err
		}
		leaf, err := tls.NewLocallySignedCert(ctx, "leaf", &tls.LocallySignedCertArgs{
			CertRequestPem:      csr.CertRequestPem,
			CaPrivateKeyPem:     caKey.PrivateKeyPem,
			CaCertPem:           ca.CertPem,
			ValidityPeriodHours: pulumi.Int(72),
			EarlyRenewalHours:   pulumi.Int(24),
			AllowedUses: pulumi.StringArray{pulumi.String("key_encipherment"), pulumi.String("digital_signature"),
				pulumi.String("server_auth"), pulumi.String("client_auth")},
			IsCaCertificate: pulumi.Bool(false),
			SetSubjectKeyId: pulumi.Bool(true),
		})
		if err != nil {
			return err
		}
		got.collect("ca-key", caKey)
		got.collect("ca", ca)
		got.collect("leaf-key", leafKey)
		got.collect("leaf-csr", csr)
		got.collect("leaf", leaf)
		return nil
	}, pulumi.WithMocks("pgsvc", "dev", fwd))
	if err != nil {
		t.Fatalf("the SDK program failed: %v", err)
	}

	spec := schemaOf(t, fwd.s)
	for _, name := range names {
		reg := fwd.regs[name]
		if reg == nil {
			t.Fatalf("%s was not registered", name)
		}
		if reg.GetVersion() != Version {
			t.Errorf("%s: the SDK asks for plugin version %q, the provider is %s", name, reg.GetVersion(), Version)
		}
		rs := spec.Resources[reg.GetType()]
		for _, out := range reg.GetAdditionalSecretOutputs() {
			if !rs.Properties[out].Secret {
				t.Errorf("%s: the SDK makes %q secret, the schema does not", name, out)
			}
			if !got.secrets[name][out] {
				t.Errorf("%s: output %q is not secret", name, out)
			}
		}
		// Every output of the SDK is in the provider's state (the program sets
		// every input, so none is missing for lack of one) and resolved through
		// the SDK's type; the strings and numbers are not empty.
		for out, typ := range outputFields(sdkResourceType(t, reg.GetType())) {
			if v, ok := fwd.states[name].GetOk(out); !ok || v.IsNull() {
				t.Errorf("%s: output %q is not in the state", name, out)
			}
			v, ok := got.values[name][out]
			if !ok {
				t.Errorf("%s: output %q never resolved", name, out)
				continue
			}
			if k := typ.Kind(); (k == reflect.String || k == reflect.Int) && reflect.ValueOf(v).IsZero() {
				t.Errorf("%s: output %q is empty", name, out)
			}
		}
	}

	// The certificates the SDK read back make a chain.
	ca := parseCert(t, got.values["ca"]["certPem"].(string))
	leaf := parseCert(t, got.values["leaf"]["certPem"].(string))
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "db.pgsvc", Roots: roots,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Errorf("leaf does not verify against the CA: %v", err)
	}
	if got.values["leaf"]["caKeyAlgorithm"] != "ECDSA" || got.values["leaf-csr"]["keyAlgorithm"] != "RSA" {
		t.Errorf("key algorithms: ca %v, csr %v", got.values["leaf"]["caKeyAlgorithm"], got.values["leaf-csr"]["keyAlgorithm"])
	}
	if got.values["ca"]["readyForRenewal"] != false || got.values["leaf"]["validityPeriodHours"] != 72 {
		t.Errorf("readyForRenewal %v, validityPeriodHours %v", got.values["ca"]["readyForRenewal"], got.values["leaf"]["validityPeriodHours"])
	}
	if sub, ok := got.values["ca"]["subject"].(*tls.SelfSignedCertSubject); !ok || sub == nil || *sub.EmailAddress != "ops@pgsvc.example" {
		t.Errorf("subject read back = %#v", got.values["ca"]["subject"])
	}
}

// sdkResourceType returns the SDK's resource struct of a token.
func sdkResourceType(t *testing.T, token string) reflect.Type {
	t.Helper()
	for _, sr := range sdkResources {
		if sr.token == token {
			return sr.resource
		}
	}
	t.Fatalf("the SDK has no resource %s", token)
	return nil
}
