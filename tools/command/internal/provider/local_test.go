package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestSchemaMatchesSDKSurface(t *testing.T) {
	resp, err := newServer(t).GetSchema(p.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Name      string
		Version   string
		Resources map[string]struct {
			InputProperties map[string]struct {
				Secret           bool
				ReplaceOnChanges bool
			}
			Properties map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(resp.Schema), &schema); err != nil {
		t.Fatal(err)
	}
	if schema.Name != "command" || schema.Version != "1.2.1" {
		t.Errorf("package %s %s, want command 1.2.1", schema.Name, schema.Version)
	}
	// Input properties of the SDK v1.2.1 resources that this build implements.
	want := map[string][]string{
		localCommand: {"addPreviousOutputInEnv", "create", "delete", "dir", "environment", "interpreter",
			"logging", "stdin", "triggers", "update"},
		remoteCommand: {"addPreviousOutputInEnv", "connection", "create", "delete", "environment", "logging",
			"stdin", "triggers", "update"},
		copyToRemote: {"connection", "remotePath", "source", "triggers"},
	}
	for token, inputs := range want {
		r, ok := schema.Resources[token]
		if !ok {
			t.Errorf("resource %s missing", token)
			continue
		}
		for _, name := range inputs {
			if _, ok := r.InputProperties[name]; !ok {
				t.Errorf("%s: input %s missing", token, name)
			}
		}
		if len(r.InputProperties) != len(inputs) {
			t.Errorf("%s has %d inputs, want %d", token, len(r.InputProperties), len(inputs))
		}
		if !r.InputProperties["triggers"].ReplaceOnChanges {
			t.Errorf("%s: triggers is not replaceOnChanges", token)
		}
		if _, ok := r.InputProperties["connection"]; ok && !r.InputProperties["connection"].Secret {
			t.Errorf("%s: connection is not secret", token)
		}
		if token != copyToRemote {
			for _, out := range []string{"stdout", "stderr"} {
				if _, ok := r.Properties[out]; !ok {
					t.Errorf("%s: output %s missing", token, out)
				}
			}
		}
	}
}

func TestLocalCommandLifecycle(t *testing.T) {
	dir := t.TempDir()
	r := newRes(t, newServer(t), localCommand, "local")
	r.mustCreate(map[string]property.Value{
		"create":      str(`printf '%s|%s|%s' "$GREETING" "$(pwd)" "$(cat)"; echo warn >&2`),
		"update":      str(`printf 'previous=%s' "$PULUMI_COMMAND_STDOUT"`),
		"delete":      str(`printf '%s' "$PULUMI_COMMAND_STDOUT" > deleted`),
		"environment": strMap(map[string]string{"GREETING": "hello world"}),
		"stdin":       str("from stdin"),
		"dir":         str(dir),
	})
	if got, want := r.output("stdout"), "hello world|"+dir+"|from stdin"; got != want {
		t.Errorf("create stdout = %q, want %q", got, want)
	}
	if got := r.output("stderr"); got != "warn" {
		t.Errorf("create stderr = %q, want %q", got, "warn")
	}

	if _, err := r.update(map[string]property.Value{
		"create":      str(`echo unused`),
		"update":      str(`printf 'previous=%s' "$PULUMI_COMMAND_STDOUT"`),
		"delete":      str(`printf '%s' "$PULUMI_COMMAND_STDOUT" > deleted`),
		"environment": strMap(map[string]string{"GREETING": "hello again"}),
		"dir":         str(dir),
	}, false); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got, want := r.output("stdout"), "previous=hello world|"+dir+"|from stdin"; got != want {
		t.Errorf("update stdout = %q, want %q", got, want)
	}

	if err := r.delete(); err != nil {
		t.Fatalf("delete: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "deleted"))
	if err != nil {
		t.Fatalf("the delete command did not run: %v", err)
	}
	if want := "previous=hello world|" + dir + "|from stdin"; string(got) != want {
		t.Errorf("delete saw PULUMI_COMMAND_STDOUT = %q, want %q", got, want)
	}
}

func TestLocalCommandOptions(t *testing.T) {
	tests := []struct {
		name       string
		inputs     map[string]property.Value
		wantStdout string
	}{
		{"update falls back to create", map[string]property.Value{"create": str("echo created")}, "created"},
		{"interpreter", map[string]property.Value{
			"create":      str(`echo "$0" "${BASH_VERSION:+bash}"`),
			"interpreter": property.New([]property.Value{str("/bin/bash"), str("-c")}),
		}, "/bin/bash bash"},
		{"previous output not in env when disabled", map[string]property.Value{
			"create":                 str(`echo "[${PULUMI_COMMAND_STDOUT-unset}]"`),
			"addPreviousOutputInEnv": property.New(false),
		}, "[unset]"},
	}
	s := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRes(t, s, localCommand, "opts")
			r.mustCreate(tt.inputs)
			if got := r.output("stdout"); got != tt.wantStdout {
				t.Errorf("create stdout = %q, want %q", got, tt.wantStdout)
			}
			// An update without an update command runs create again.
			if _, err := r.update(tt.inputs, false); err != nil {
				t.Fatalf("update: %v", err)
			}
			if got := r.output("stdout"); got != tt.wantStdout {
				t.Errorf("update stdout = %q, want %q", got, tt.wantStdout)
			}
		})
	}
}

func TestPreviewRunsNothing(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	s := newServer(t)
	touch := map[string]property.Value{"create": str("touch " + marker), "update": str("touch " + marker)}

	local := newRes(t, s, localCommand, "preview")
	if err := local.create(touch, true); err != nil {
		t.Fatalf("preview create: %v", err)
	}
	local.mustCreate(map[string]property.Value{"create": str("true")})
	if _, err := local.update(touch, true); err != nil {
		t.Fatalf("preview update: %v", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("a preview ran the command")
	}

	// A preview of remote resources opens no connection, so an address
	// where nothing listens is no error.
	closed := map[string]property.Value{
		"host": str("127.0.0.1"), "port": property.New(1.0), "dialErrorLimit": property.New(0.0),
	}
	remote := newRes(t, s, remoteCommand, "preview")
	if err := remote.create(map[string]property.Value{
		"connection": property.New(closed).WithSecret(true), "create": str("touch " + marker),
	}, true); err != nil {
		t.Errorf("preview of a remote command: %v", err)
	}
	cp := newRes(t, s, copyToRemote, "preview")
	if err := cp.create(map[string]property.Value{
		"connection": property.New(closed).WithSecret(true),
		"source":     textAsset(t, "x"), "remotePath": str(marker),
	}, true); err != nil {
		t.Errorf("preview of a copy: %v", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("a preview ran a remote command or copy")
	}
}

func TestLocalFailureShowsStatusAndStderrButNoSecret(t *testing.T) {
	logs := captureLogs(t)
	r := newRes(t, newServer(t), localCommand, "failing")
	err := r.create(map[string]property.Value{
		"create": str(`echo "progress"; echo "bad input: $(cat)" >&2; exit 3`),
		"stdin":  secret("hunter2-password"),
	}, false)
	if err == nil {
		t.Fatal("create succeeded, want the exit status 3 failure")
	}
	for _, want := range []string{"create command failed", "exit status 3", "stderr:", "bad input: [secret]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the secret: %q", err)
	}
	if l := logs.String(); strings.Contains(l, "hunter2") || !strings.Contains(l, "progress") {
		t.Errorf("logs show the secret or miss the output:\n%s", l)
	}
}

func TestSecretInputsMakeOutputsSecret(t *testing.T) {
	tests := []struct {
		name       string
		inputs     map[string]property.Value
		wantSecret bool
	}{
		{"plain", map[string]property.Value{"create": str("echo hi")}, false},
		{"secret command", map[string]property.Value{"create": secret("echo hi")}, true},
		{"secret stdin", map[string]property.Value{"create": str("cat"), "stdin": secret("hi")}, true},
		{"secret environment value", map[string]property.Value{
			"create":      str(`echo "$TOKEN"`),
			"environment": property.New(map[string]property.Value{"TOKEN": secret("hi")}),
		}, true},
		{"secret trigger", map[string]property.Value{
			"create": str("echo hi"), "triggers": property.New([]property.Value{secret("t")}),
		}, false},
	}
	s := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRes(t, s, localCommand, "secrets")
			r.mustCreate(tt.inputs)
			for _, out := range []string{"stdout", "stderr"} {
				if got := r.state.Get(out).Secret(); got != tt.wantSecret {
					t.Errorf("%s secret = %v, want %v", out, got, tt.wantSecret)
				}
			}
			for name, in := range tt.inputs {
				if in.HasSecrets() && !r.state.Get(name).HasSecrets() {
					t.Errorf("secret input %s is not secret in the state", name)
				}
			}
		})
	}
}

func TestLocalRejectsUnsupportedInputs(t *testing.T) {
	s := newServer(t)
	for _, name := range []string{"assetPaths", "archivePaths"} {
		r := newRes(t, s, localCommand, "unsupported")
		resp, err := s.Check(p.CheckRequest{Urn: r.urn, Inputs: property.NewMap(map[string]property.Value{
			"create": str("true"),
			name:     property.New([]property.Value{str("*.txt")}),
		})})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Failures) != 1 || resp.Failures[0].Property != name ||
			!strings.Contains(resp.Failures[0].Reason, "not supported") {
			t.Errorf("%s: failures = %+v, want one naming %s", name, resp.Failures, name)
		}
	}
}
