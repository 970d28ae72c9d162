package provider

import (
	"encoding/json"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func newServer(t *testing.T) integration.Server {
	t.Helper()
	prov, err := New()
	if err != nil {
		t.Fatalf("building the provider: %v", err)
	}
	s, err := integration.NewServer(t.Context(), Name, semver.MustParse(Version), integration.WithProvider(prov))
	if err != nil {
		t.Fatalf("starting the test server: %v", err)
	}
	return s
}

// schemaOf returns the provider's schema.
func schemaOf(t *testing.T, s integration.Server) pschema.PackageSpec {
	t.Helper()
	resp, err := s.GetSchema(p.GetSchemaRequest{})
	if err != nil {
		t.Fatalf("get schema: %v", err)
	}
	var spec pschema.PackageSpec
	if err := json.Unmarshal([]byte(resp.Schema), &spec); err != nil {
		t.Fatalf("decoding the schema: %v", err)
	}
	return spec
}

// res drives one resource through the provider the way the engine does.
type res struct {
	t      *testing.T
	s      integration.Server
	urn    presource.URN
	id     string
	inputs property.Map // checked inputs of the last create or update
	state  property.Map
}

func newRes(t *testing.T, s integration.Server, typ, name string) *res {
	return &res{t: t, s: s, urn: presource.NewURN("dev", "pgsvc", "", tokens.Type(typ), name)}
}

// checkResp runs Check.
func (r *res) checkResp(inputs map[string]property.Value) p.CheckResponse {
	r.t.Helper()
	resp, err := r.s.Check(p.CheckRequest{Urn: r.urn, State: r.inputs, Inputs: property.NewMap(inputs)})
	if err != nil {
		r.t.Fatalf("check: %v", err)
	}
	return resp
}

// check runs Check and fails the test on check failures.
func (r *res) check(inputs map[string]property.Value) property.Map {
	r.t.Helper()
	resp := r.checkResp(inputs)
	if len(resp.Failures) > 0 {
		r.t.Fatalf("check failures: %+v", resp.Failures)
	}
	return resp.Inputs
}

// preview runs a Create preview.
func (r *res) preview(inputs map[string]property.Value) property.Map {
	r.t.Helper()
	resp, err := r.s.Create(p.CreateRequest{Urn: r.urn, Properties: r.check(inputs), DryRun: true})
	if err != nil {
		r.t.Fatalf("create preview: %v", err)
	}
	return resp.Properties
}

func (r *res) create(inputs map[string]property.Value) error {
	r.t.Helper()
	checked := r.check(inputs)
	resp, err := r.s.Create(p.CreateRequest{Urn: r.urn, Properties: checked})
	if err == nil {
		r.id, r.inputs, r.state = resp.ID, checked, resp.Properties
	}
	return err
}

func (r *res) mustCreate(inputs map[string]property.Value) {
	r.t.Helper()
	if err := r.create(inputs); err != nil {
		r.t.Fatalf("create: %v", err)
	}
}

func (r *res) diff(inputs map[string]property.Value) p.DiffResponse {
	r.t.Helper()
	checked := r.check(inputs)
	resp, err := r.s.Diff(p.DiffRequest{ID: r.id, Urn: r.urn, State: r.state, OldInputs: r.inputs, Inputs: checked})
	if err != nil {
		r.t.Fatalf("diff: %v", err)
	}
	return resp
}

func (r *res) update(inputs map[string]property.Value, dryRun bool) (property.Map, error) {
	r.t.Helper()
	checked := r.check(inputs)
	resp, err := r.s.Update(p.UpdateRequest{
		ID: r.id, Urn: r.urn, State: r.state, OldInputs: r.inputs, Inputs: checked, DryRun: dryRun,
	})
	if err == nil && !dryRun {
		r.inputs, r.state = checked, resp.Properties
	}
	return resp.Properties, err
}

func (r *res) read() p.ReadResponse {
	r.t.Helper()
	resp, err := r.s.Read(p.ReadRequest{ID: r.id, Urn: r.urn, Properties: r.state, Inputs: r.inputs})
	if err != nil {
		r.t.Fatalf("read: %v", err)
	}
	return resp
}

func (r *res) delete() error {
	r.t.Helper()
	return r.s.Delete(p.DeleteRequest{ID: r.id, Urn: r.urn, Properties: r.state, OldInputs: r.inputs})
}

// output returns a string output of the last create or update.
func (r *res) output(name string) string {
	r.t.Helper()
	v, ok := r.state.GetOk(name)
	if !ok || !v.IsString() {
		r.t.Fatalf("output %q is %v, want a string", name, v)
	}
	return v.AsString()
}

// secretOutput returns a string output that must be secret.
func (r *res) secretOutput(name string) string {
	r.t.Helper()
	if v := r.state.Get(name); !v.Secret() {
		r.t.Errorf("output %q is not secret", name)
	}
	return r.output(name)
}

func str(s string) property.Value    { return property.New(s) }
func secret(s string) property.Value { return property.New(s).WithSecret(true) }
func num(n int) property.Value       { return property.New(float64(n)) }
func boolean(b bool) property.Value  { return property.New(b) }
func unknown() property.Value        { return property.New(property.Computed) }

func strs(values ...string) property.Value {
	out := []property.Value{}
	for _, v := range values {
		out = append(out, str(v))
	}
	return property.New(out)
}

func obj(m map[string]property.Value) property.Value { return property.New(m) }
