package unit

import (
	"os/exec"
	"strings"
	"testing"
)

// TestShellScriptsCheck runs every script the deployment writes on a node through its shell's
// syntax check and through shellcheck.
func TestShellScriptsCheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatal("shellcheck is missing: make host-deps installs it")
	}
	spec := devSpec(t)
	n := 0
	for node, files := range nodeFiles(t, spec, deploy(t, spec)) {
		for path, content := range files {
			first, _, _ := strings.Cut(content, "\n")
			shell := map[string]string{"#!/bin/sh": "sh", "#!/bin/bash": "bash"}[first]
			if shell == "" {
				continue
			}
			n++
			for _, cmd := range [][]string{{shell, "-n"}, {shellcheck, "-s", shell, "-"}} {
				c := exec.Command(cmd[0], cmd[1:]...)
				c.Stdin = strings.NewReader(content)
				if out, err := c.CombinedOutput(); err != nil {
					t.Errorf("%s %s: %s: %v\n%s", node, path, strings.Join(cmd, " "), err, out)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no script found among the files the deployment writes")
	}
}
