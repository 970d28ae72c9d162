package provider

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Resource tokens of pulumi-command v1.2.1.
const (
	localCommand  = "command:local:Command"
	remoteCommand = "command:remote:Command"
	copyToRemote  = "command:remote:CopyToRemote"
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

// check runs Check and fails the test on check failures.
func (r *res) check(inputs map[string]property.Value) property.Map {
	r.t.Helper()
	resp, err := r.s.Check(p.CheckRequest{Urn: r.urn, State: r.inputs, Inputs: property.NewMap(inputs)})
	if err != nil {
		r.t.Fatalf("check: %v", err)
	}
	if len(resp.Failures) > 0 {
		r.t.Fatalf("check failures: %+v", resp.Failures)
	}
	return resp.Inputs
}

func (r *res) create(inputs map[string]property.Value, dryRun bool) error {
	r.t.Helper()
	checked := r.check(inputs)
	resp, err := r.s.Create(p.CreateRequest{Urn: r.urn, Properties: checked, DryRun: dryRun})
	if err == nil && !dryRun {
		r.id, r.inputs, r.state = resp.ID, checked, resp.Properties
	}
	return err
}

func (r *res) mustCreate(inputs map[string]property.Value) {
	r.t.Helper()
	if err := r.create(inputs, false); err != nil {
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

func str(s string) property.Value    { return property.New(s) }
func secret(s string) property.Value { return property.New(s).WithSecret(true) }

func strMap(m map[string]string) property.Value {
	out := map[string]property.Value{}
	for k, v := range m {
		out[k] = str(v)
	}
	return property.New(out)
}

// logCapture records what the provider logs; the integration server's logger
// writes to slog's default logger.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *logCapture) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(b)
}

func (c *logCapture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

func captureLogs(t *testing.T) *logCapture {
	c := &logCapture{}
	previous := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(c, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(previous) })
	return c
}
