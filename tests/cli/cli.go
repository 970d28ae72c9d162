// Package cli drives the pgsvc toolchain's Pulumi CLI from tests, with the repository's own
// plugins and an isolated backend.
package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

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
}

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

// LabKey is the lab's root SSH key (lab/lab up creates it).
const LabKey = "/var/lib/pgsvc-lab/ssh/id_ed25519"

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
	out := s.MustRun(t, time.Minute, "stack", "output", "--json", "--show-secrets")
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("stack outputs: %v\n%s", err, out)
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
	spec, err := stacks.LoadConfigJSON([]byte(s.MustRun(t, time.Minute, "config", "--json")))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// LabSSH runs a command as root on a lab node and returns its standard output.
func LabSSH(ip, command string) (string, error) {
	return LabSSHInput(ip, command, "")
}

// LabSSHInput is LabSSH with stdin given to the command.
func LabSSHInput(ip, command, stdin string) (string, error) {
	cmd := exec.Command("ssh", "-i", LabKey, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "root@"+ip, command)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), fmt.Errorf("ssh %s %q: %v: %s", ip, command, err, ee.Stderr)
	}
	return string(out), err
}

// Lab runs lab/lab with args (kill, start, ...).
func Lab(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(filepath.Join(Root(), "lab", "lab"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("lab %v: %v\n%s", args, err, out)
	}
}

// WithConfig returns the stack with its config edited by edit, in a file of the test's own; the
// committed config stays untouched. Each key's value is the decoded JSON object.
func (s *Stack) WithConfig(t *testing.T, edit func(cfg map[string]any)) *Stack {
	t.Helper()
	var raw map[string]struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal([]byte(s.MustRun(t, time.Minute, "config", "--json")), &raw); err != nil {
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
	edited := *s
	edited.ConfigFile = file
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

// KillWhen starts one pulumi command on the stack and kills it, with every process it started,
// as soon as a line of its output satisfies when: an interrupted run, cut at a known point. It
// fails when the command ends first, or no such line comes within timeout.
func (s *Stack) KillWhen(t *testing.T, timeout time.Duration, when func(line string) bool, args ...string) string {
	t.Helper()
	args = append(args, "--stack", s.Name, "--non-interactive")
	if s.ConfigFile != "" {
		args = append(args, "--config-file", s.ConfigFile)
	}
	cmd := exec.Command(filepath.Join(Root(), ".tools", "bin", "pulumi"), args...)
	cmd.Dir, cmd.Env = s.Dir, s.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	timer := time.AfterFunc(timeout, kill)
	defer timer.Stop()
	var seen []string
	cut := ""
	scanner := bufio.NewScanner(out)
	for scanner.Scan() {
		line := scanner.Text()
		seen = append(seen, line)
		if when(line) {
			cut = line
			kill()
			break
		}
	}
	_ = cmd.Wait()
	if cut == "" {
		t.Fatalf("pulumi %v ended or ran %s without the line to cut it at:\n%s", args, timeout, strings.Join(seen, "\n"))
	}
	return cut
}
