// Package cli drives the pgsvc toolchain's Pulumi CLI from tests, with the repository's own
// plugins and an isolated backend.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"pgsvc/check"
	"pgsvc/stacks"
)

// Root is the repository's top directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// E2E reports whether end-to-end tests were asked for (make test sets PGSVC_E2E=1).
func E2E() bool { return os.Getenv("PGSVC_E2E") == "1" }

// Stack is one stack of a project directory on a backend.
type Stack struct {
	Dir  string
	Name string
	Env  []string
	// ConfigFile replaces the stack's Pulumi.<stack>.yaml when set.
	ConfigFile string
	// outputs are the stack's outputs as last read, shared by the stack's edited copies
	// (WithConfig) and forgotten by any command that may change them.
	outputs *outputsCache
	// config is the stack's config as last read (config --json).
	config string
}

type outputsCache struct {
	mu  sync.Mutex
	raw string
}

// changesOutputs are the commands after which the stack's outputs must be read again.
var changesOutputs = []string{"up", "destroy", "refresh", "cancel", "import", "state"}

// Toolchain returns the environment that runs the repository's CLI and plugins. Without a built
// toolchain it skips the test, or fails it when end-to-end tests were asked for.
func Toolchain(t *testing.T) []string {
	t.Helper()
	root := Root()
	bin := filepath.Join(root, ".tools", "bin")
	if _, err := os.Stat(filepath.Join(bin, "pulumi")); err != nil {
		if E2E() {
			t.Fatalf("no Pulumi CLI in %s: run make tools", bin)
		}
		t.Skipf("no Pulumi CLI in %s: run make tools", bin)
	}
	return append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PULUMI_HOME="+filepath.Join(root, ".tools", "pulumi-home"),
		"PULUMI_SKIP_UPDATE_CHECK=1",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true",
	)
}

// NewTempStack creates a stack of the project in dir on a throwaway backend; it is removed with
// the test, and the stack's config file with it.
func NewTempStack(t *testing.T, dir string) *Stack {
	t.Helper()
	backend := t.TempDir()
	s := &Stack{Dir: dir, Name: fmt.Sprintf("t%d", time.Now().UnixNano()), Env: append(Toolchain(t),
		"PULUMI_BACKEND_URL=file://"+backend,
		"PULUMI_CONFIG_PASSPHRASE=test-only-passphrase",
	)}
	if _, err := s.Run(t, 2*time.Minute, "stack", "init", s.Name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(filepath.Join(dir, "Pulumi."+s.Name+".yaml")) })
	return s
}

// Command is one pulumi command on the stack, for Run or a caller that runs it its own way.
func (s *Stack) Command(ctx context.Context, args ...string) *exec.Cmd {
	if args[0] != "stack" || len(args) < 2 || args[1] != "init" {
		args = append(args, "--stack", s.Name)
	}
	if s.ConfigFile != "" && slices.Contains([]string{"up", "preview", "config", "destroy", "refresh"}, args[0]) {
		args = append(args, "--config-file", s.ConfigFile)
	}
	if args[0] == "config" && len(args) > 1 && args[1] != "--json" {
		s.config = ""
	}
	if slices.Contains(changesOutputs, args[0]) {
		s.forgetOutputs()
		defer s.forgetOutputs()
	}
	cmd := exec.CommandContext(ctx, filepath.Join(Root(), ".tools", "bin", "pulumi"), append(args, "--non-interactive")...)
	cmd.Dir = s.Dir
	cmd.Env = s.Env
	return cmd
}

// Run runs one pulumi command on the stack and returns its combined output.
func (s *Stack) Run(t *testing.T, timeout time.Duration, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := s.Command(ctx, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("pulumi %s: %.1fs", strings.Join(args, " "), time.Since(start).Seconds())
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return out.String(), fmt.Errorf("pulumi %s timed out after %s:\n%s", strings.Join(args, " "), timeout, out.String())
	}
	if err != nil {
		return out.String(), fmt.Errorf("pulumi %s: %v:\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

// MustRun is Run failing the test on error.
func (s *Stack) MustRun(t *testing.T, timeout time.Duration, args ...string) string {
	t.Helper()
	out, err := s.Run(t, timeout, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// DevStack is the dev stack on the repository's own backend, as `make up` deployed it.
func DevStack(t *testing.T) *Stack {
	t.Helper()
	if !E2E() {
		t.Skip("end-to-end test: run with PGSVC_E2E=1 (make test) after make up")
	}
	root := Root()
	state := filepath.Join(root, ".state")
	return &Stack{Dir: root, Name: "dev", Env: append(Toolchain(t),
		"PULUMI_BACKEND_URL=file://"+filepath.Join(state, "backend"),
		"PULUMI_CONFIG_PASSPHRASE_FILE="+filepath.Join(state, "passphrase"),
	)}
}

// Outputs reads the stack's outputs, secrets shown, into v.
func (s *Stack) Outputs(t *testing.T, v any) {
	t.Helper()
	if s.outputs == nil {
		s.outputs = &outputsCache{}
	}
	s.outputs.mu.Lock()
	out := s.outputs.raw
	s.outputs.mu.Unlock()
	if out == "" {
		out = s.MustRun(t, time.Minute, "stack", "output", "--json", "--show-secrets")
		s.outputs.mu.Lock()
		s.outputs.raw = out
		s.outputs.mu.Unlock()
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("stack outputs: %v\n%s", err, out)
	}
}

func (s *Stack) forgetOutputs() {
	if s.outputs != nil {
		s.outputs.mu.Lock()
		s.outputs.raw = ""
		s.outputs.mu.Unlock()
	}
}

// CAFile writes the stack's CA certificate (the caCert output) to a file of the test's own, for
// sslrootcert, and returns its path.
func (s *Stack) CAFile(t *testing.T) string {
	t.Helper()
	var outs struct {
		CACert string `json:"caCert"`
	}
	s.Outputs(t, &outs)
	if !strings.Contains(outs.CACert, "BEGIN CERTIFICATE") {
		t.Fatalf("caCert output is not a certificate: %q", outs.CACert)
	}
	p := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(p, []byte(outs.CACert), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// HTTPClient is an HTTP client that trusts the stack's CA, for the HTTPS stats pages and
// Patroni's REST API.
func (s *Stack) HTTPClient(t *testing.T) *http.Client {
	t.Helper()
	ca, err := os.ReadFile(s.CAFile(t))
	if err != nil {
		t.Fatal(err)
	}
	client, err := check.RESTClient(ca)
	if err != nil {
		t.Fatalf("caCert output: %v", err)
	}
	client.Timeout = 5 * time.Second
	return client
}

// TestCluster is the dev stack's three-node cluster, the one the HA and day-2 tests drive.
const TestCluster = "pg-test"

// ClusterOutputs reads one cluster's outputs (the stack's "clusters" output), secrets shown,
// into v.
func (s *Stack) ClusterOutputs(t *testing.T, name string, v any) {
	t.Helper()
	var outs struct {
		Clusters map[string]json.RawMessage `json:"clusters"`
	}
	s.Outputs(t, &outs)
	raw, ok := outs.Clusters[name]
	if !ok {
		t.Fatalf("stack outputs have no cluster %s", name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("outputs of cluster %s: %v", name, err)
	}
}

// ClusterConfig is the config object of the cluster named name, from either pgsvc:cluster or
// pgsvc:clusters, in config decoded by WithConfig; nil when there is none.
func ClusterConfig(cfg map[string]any, name string) map[string]any {
	if one, ok := cfg[stacks.KeyCluster].(map[string]any); ok && one["name"] == name {
		return one
	}
	list, _ := cfg[stacks.KeyClusters].([]any)
	for _, c := range list {
		if c, ok := c.(map[string]any); ok && c["name"] == name {
			return c
		}
	}
	return nil
}

// Spec loads the stack's config through the same validation the program uses.
func (s *Stack) Spec(t *testing.T) *stacks.Spec {
	t.Helper()
	spec, err := stacks.LoadConfigJSON([]byte(s.configJSON(t)))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// configJSON is the stack's config, as config --json prints it.
func (s *Stack) configJSON(t *testing.T) string {
	t.Helper()
	if s.config == "" {
		s.config = s.MustRun(t, time.Minute, "config", "--json")
	}
	return s.config
}

// WithConfig returns the stack with its config edited by edit, in a file of the test's own; the
// committed config stays untouched. Each key's value is the decoded JSON object.
func (s *Stack) WithConfig(t *testing.T, edit func(cfg map[string]any)) *Stack {
	t.Helper()
	var raw map[string]struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal([]byte(s.configJSON(t)), &raw); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{}
	for k, v := range raw {
		var val any
		if err := json.Unmarshal([]byte(v.Value), &val); err != nil {
			val = v.Value
		}
		cfg[k] = val
	}
	edit(cfg)
	// JSON is YAML: the config file can be written as JSON.
	doc, err := json.MarshalIndent(map[string]any{"config": cfg}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "Pulumi."+s.Name+".yaml")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if s.outputs == nil {
		s.outputs = &outputsCache{}
	}
	edited := *s
	edited.ConfigFile, edited.config = file, ""
	return &edited
}

// Step is one resource step of a plan.
type Step struct {
	Op  string `json:"op"`
	URN string `json:"urn"`
}

// Name is the step's resource name.
func (s Step) Name() string { return s.URN[strings.LastIndex(s.URN, "::")+2:] }

// Changes previews the stack and returns, by resource name, the operation of every resource that
// changes: create, update, delete or replace (which folds the engine's three replacement steps).
func (s *Stack) Changes(t *testing.T) map[string]string {
	t.Helper()
	out := s.MustRun(t, 5*time.Minute, "preview", "--json")
	var plan struct {
		Steps []Step `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("preview --json: %v\n%s", err, out)
	}
	changes := map[string]string{}
	for _, st := range plan.Steps {
		switch st.Op {
		case "same":
		case "create-replacement", "replace", "delete-replaced":
			changes[st.Name()] = "replace"
		default:
			changes[st.Name()] = st.Op
		}
	}
	return changes
}

// KillAtEvent starts one pulumi command on the stack with an engine event log, and kills it,
// with every process it started, as soon as the log has an event that satisfies when: an
// interrupted run, cut at a known step. It returns that event, and fails when the command ends
// first or no such event comes within timeout.
func (s *Stack) KillAtEvent(t *testing.T, timeout time.Duration, when func(apitype.EngineEvent) bool, args ...string) apitype.EngineEvent {
	t.Helper()
	log := &eventLog{path: filepath.Join(t.TempDir(), "events.json")}
	defer log.close()
	args = append(args, "--event-log", log.path, "--stack", s.Name, "--non-interactive")
	if s.ConfigFile != "" {
		args = append(args, "--config-file", s.ConfigFile)
	}
	cmd := exec.Command(filepath.Join(Root(), ".tools", "bin", "pulumi"), args...)
	// The CLI offers --event-log only with its debugging commands (as the Automation API runs it).
	cmd.Dir, cmd.Env = s.Dir, append(slices.Clone(s.Env), "PULUMI_DEBUG_COMMANDS=true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan struct{})
	go func() { _ = cmd.Wait(); close(ended) }()
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-ended
	}
	deadline := time.After(timeout)
	for {
		// Read before looking at ended: events logged just before the end are not missed.
		events, err := log.next()
		if err != nil {
			stop()
			t.Fatal(err)
		}
		for _, e := range events {
			if when(e) {
				stop()
				return e
			}
		}
		select {
		case <-ended:
			t.Fatalf("pulumi %v ended without the event to cut it at:\n%s", args, out.String())
		case <-deadline:
			stop()
			t.Fatalf("pulumi %v ran %s without the event to cut it at:\n%s", args, timeout, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// eventLog reads an engine event log (pulumi --event-log: one JSON event a line) as it grows.
type eventLog struct {
	path    string
	f       *os.File
	partial []byte
}

// next returns the events logged since the last call; none before pulumi has created the log.
func (l *eventLog) next() ([]apitype.EngineEvent, error) {
	if l.f == nil {
		f, err := os.Open(l.path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		l.f = f
	}
	more, err := io.ReadAll(l.f)
	if err != nil {
		return nil, err
	}
	l.partial = append(l.partial, more...)
	var events []apitype.EngineEvent
	for {
		line, rest, complete := bytes.Cut(l.partial, []byte("\n"))
		if !complete {
			return events, nil
		}
		var e apitype.EngineEvent
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("event log %s: %v: %s", l.path, err, line)
		}
		events = append(events, e)
		l.partial = rest
	}
}

func (l *eventLog) close() {
	if l.f != nil {
		l.f.Close()
	}
}
