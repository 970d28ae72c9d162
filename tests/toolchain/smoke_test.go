package toolchain

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pgsvc/tests/cli"
	"pgsvc/tests/lab"
)

// TestSmoke drives a small program through the real CLI, language host and plugins.
func TestSmoke(t *testing.T) {
	dir, err := filepath.Abs("smoke")
	if err != nil {
		t.Fatal(err)
	}
	s := cli.NewTempStack(t, dir)
	marker := filepath.Join(t.TempDir(), "marker")
	copyDir := t.TempDir()
	for _, f := range []string{"a.txt", "sub/b.txt"} {
		if err := os.MkdirAll(filepath.Join(copyDir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(copyDir, f), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	remote := cli.E2E()
	set := func(args ...string) { s.MustRun(t, time.Minute, append([]string{"config", "set"}, args...)...) }
	set("name", "world")
	set("--secret", "token", "s3cr3t-token")
	set("marker", marker)
	set("localTrigger", "one")
	if remote {
		set("sshHost", lab.Infra1.IP)
		set("sshKeyFile", lab.Key)
		set("copyDir", copyDir)
	}

	up := s.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	if !strings.Contains(up, "hello world") {
		t.Errorf("up output lacks the greeting:\n%s", up)
	}
	var outs map[string]any
	if err := json.Unmarshal([]byte(s.MustRun(t, time.Minute, "stack", "output", "--json", "--show-secrets")), &outs); err != nil {
		t.Fatal(err)
	}
	password, _ := outs["password"].(string)
	if len(password) != 24 || outs["token"] != "s3cr3t-token" || outs["localStdout"] != "hello world" {
		t.Fatalf("outputs: %v", outs)
	}
	if remote && !strings.Contains(outs["remoteStdout"].(string), "from "+lab.Infra1.Name) {
		t.Errorf("remote command output: %v", outs["remoteStdout"])
	}
	if remote {
		got, err := lab.SSH(lab.Infra1.IP, "cat /tmp/pgsvc-smoke-secret; stat -c %a /tmp/pgsvc-smoke-secret; cat /tmp/pgsvc-smoke-copy/sub/b.txt")
		if err != nil || got != password+"600\nsub/b.txt" {
			t.Errorf("on the node: %q, %v", got, err)
		}
	}
	state := s.MustRun(t, time.Minute, "stack", "export")
	for _, secret := range []string{password, "s3cr3t-token"} {
		if strings.Contains(state, secret) || strings.Contains(up, secret) {
			t.Errorf("a secret appears in plaintext in the state or the CLI output")
		}
	}

	s.MustRun(t, 5*time.Minute, "up", "--yes", "--expect-no-changes")

	// A new trigger replaces only the local command.
	set("localTrigger", "two")
	if changes := s.Changes(t); len(changes) != 1 || changes["local"] != "replace" {
		t.Errorf("planned changes %v, want only the local command replaced", changes)
	}
	s.MustRun(t, 5*time.Minute, "up", "--yes", "--skip-preview")
	if m, _ := os.ReadFile(marker); string(m) != "created world\ncreated world\ndeleted world\n" {
		t.Errorf("replacement ran create/delete as %q", m)
	}

	// A program error is shown once, and fails the run.
	set("fail", "boom-from-the-program")
	out, err := s.Run(t, 5*time.Minute, "up", "--yes", "--skip-preview")
	if err == nil || strings.Count(out, "boom-from-the-program") != 1 {
		t.Errorf("program error: err=%v, message shown %d times:\n%s", err, strings.Count(out, "boom-from-the-program"), out)
	}
	s.MustRun(t, time.Minute, "config", "rm", "fail")

	s.MustRun(t, 10*time.Minute, "destroy", "--yes", "--skip-preview")
	if m, _ := os.ReadFile(marker); !strings.HasSuffix(string(m), "deleted world\n") || strings.Count(string(m), "deleted") != 2 {
		t.Errorf("destroy did not run the delete command: %q", m)
	}
	if remote {
		got, err := lab.SSH(lab.Infra1.IP, "ls -d /tmp/pgsvc-smoke-* 2>/dev/null | wc -l")
		if err != nil || got != "0\n" {
			t.Errorf("remote files left after destroy: %q, %v", got, err)
		}
	}
	var exported struct {
		Deployment struct {
			Resources []any `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(s.MustRun(t, time.Minute, "stack", "export")), &exported); err != nil {
		t.Fatal(err)
	}
	resources := exported.Deployment.Resources
	if len(resources) != 0 {
		t.Errorf("%d resources left after destroy", len(resources))
	}
}
