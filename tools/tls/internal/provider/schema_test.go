package provider

import (
	"context"
	"errors"
	"testing"

	"github.com/blang/semver"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noPackages is a schema loader for a schema that references no other package.
type noPackages struct{}

func (noPackages) LoadPackage(string, *semver.Version) (*pschema.Package, error) {
	return nil, errors.New("the tls schema references no other package")
}

func (noPackages) LoadPackageV2(context.Context, *pschema.PackageDescriptor) (*pschema.Package, error) {
	return nil, errors.New("the tls schema references no other package")
}

// TestSchemaBinds: the schema, with the SDK's nested-module tokens, is valid
// for Pulumi's schema binder (as `pulumi package get-schema` checks), and its
// tokens land in module index.
func TestSchemaBinds(t *testing.T) {
	spec := schemaOf(t, newServer(t))
	if spec.Meta == nil || spec.Meta.ModuleFormat != moduleFormat {
		t.Fatalf("meta = %+v, want moduleFormat %q", spec.Meta, moduleFormat)
	}
	pkg, diags, err := pschema.BindSpec(spec, noPackages{}, pschema.ValidationOptions{})
	if err != nil || diags.HasErrors() {
		t.Fatalf("binding the schema: %v %v", err, diags)
	}
	for _, tok := range []string{PrivateKey, SelfSignedCert, CertRequest, LocallySignedCert} {
		r, ok := pkg.GetResource(tok)
		if !ok {
			t.Errorf("bound package has no resource %s", tok)
			continue
		}
		if mod := pkg.TokenToModule(r.Token); mod != "" && mod != "index" {
			t.Errorf("%s is in module %q, want index", tok, mod)
		}
	}
}
