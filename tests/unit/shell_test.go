package unit

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"pgsvc/tests/mock"
)

// TestShellScriptsCheck runs every script that reaches a node through its shell's syntax check
// and through shellcheck: the script files the deployment writes, and every remote command's
// create and delete script (run by the login's shell, bash on Debian).
func TestShellScriptsCheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatal("shellcheck is missing: make host-deps installs it")
	}
	spec := devSpec(t)
	res := deploy(t, spec)
	type script struct{ shell, text string }
	scripts := map[string]script{}
	for node, files := range nodeFiles(t, spec, res) {
		for path, content := range files {
			first, _, _ := strings.Cut(content, "\n")
			if shell := map[string]string{"#!/bin/sh": "sh", "#!/bin/bash": "bash"}[first]; shell != "" {
				scripts[node+" "+path] = script{shell, content}
			}
		}
	}
	seen := map[string]bool{}
	for name, r := range res {
		if r.Type != "command:remote:Command" {
			continue
		}
		for _, k := range []resource.PropertyKey{"create", "delete"} {
			if text := mock.Str(r.Inputs[k]); text != "" && !seen[text] {
				seen[text] = true
				scripts[name+" "+string(k)] = script{"bash", text}
			}
		}
	}
	if len(scripts) < 20 {
		t.Fatalf("only %d scripts found among what the deployment runs and writes", len(scripts))
	}
	for name, s := range scripts {
		for _, cmd := range [][]string{{s.shell, "-n"}, {shellcheck, "-s", s.shell, "-"}} {
			c := exec.Command(cmd[0], cmd[1:]...)
			c.Stdin = strings.NewReader(s.text)
			if out, err := c.CombinedOutput(); err != nil {
				t.Errorf("%s: %s: %v\n%s", name, strings.Join(cmd, " "), err, out)
			}
		}
	}
}
