package shenv

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The prelude must work in the shells a Debian host may log users in with.
var shells = []string{"/bin/dash", "/bin/bash"}

func TestWrapDeliversEnvironmentAndStdin(t *testing.T) {
	env := map[string]string{
		"PLAIN":    "value",
		"EMPTY":    "",
		"SPACES":   "  two  spaces  ",
		"QUOTES":   `it's "quoted" $HOME \n not expanded`,
		"NEWLINES": "line1\nline2\n\n",
		"UTF8":     "grüße ✓",
		"DOT":      ".",
	}
	// Each variable is printed between brackets so that lost whitespace shows.
	var command strings.Builder
	for _, name := range []string{"PLAIN", "EMPTY", "SPACES", "QUOTES", "NEWLINES", "UTF8", "DOT"} {
		command.WriteString(`printf '%s=[%s]\n' ` + name + ` "$` + name + `"; `)
	}
	command.WriteString(`printf 'stdin=[%s]\n' "$(cat)"; exit 7`)

	var want strings.Builder
	for _, name := range []string{"PLAIN", "EMPTY", "SPACES", "QUOTES", "NEWLINES", "UTF8", "DOT"} {
		want.WriteString(name + "=[" + env[name] + "]\n")
	}
	want.WriteString("stdin=[first line\nsecond line]\n")

	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			if _, err := os.Stat(shell); err != nil {
				t.Skipf("%s not installed", shell)
			}
			script, input, err := Wrap(command.String(), env, strings.NewReader("first line\nsecond line\n"))
			if err != nil {
				t.Fatal(err)
			}
			out, code := runShell(t, shell, script, input)
			if code != 7 {
				t.Errorf("exit code = %d, want the command's 7", code)
			}
			if out != want.String() {
				t.Errorf("output:\n%s\nwant:\n%s", out, want.String())
			}
		})
	}
}

func TestWrapKeepsValuesOffTheCommandLine(t *testing.T) {
	script, _, err := Wrap("true", map[string]string{"TOKEN": "s3cr3t-value"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(script, "s3cr3t") || strings.Contains(script, "TOKEN") {
		t.Errorf("the command line carries the variable: %q", script)
	}
}

func TestWrapWithoutEnvironmentChangesNothing(t *testing.T) {
	stdin := strings.NewReader("in")
	script, input, err := Wrap("cat", nil, stdin)
	if err != nil {
		t.Fatal(err)
	}
	if script != "cat" || input != stdin {
		t.Errorf("Wrap changed the command or input: %q, %v", script, input)
	}
}

func TestWrapRejectsBadVariables(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"name with dash", map[string]string{"BAD-NAME": "v"}, `"BAD-NAME" is not a valid shell variable name`},
		{"name starting with digit", map[string]string{"1X": "v"}, `"1X" is not a valid shell variable name`},
		{"empty name", map[string]string{"": "v"}, `"" is not a valid shell variable name`},
		{"NUL in value", map[string]string{"K": "a\x00b"}, `"K": value contains a NUL byte`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Wrap("true", tt.env, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func runShell(t *testing.T, shell, script string, input io.Reader) (string, int) {
	t.Helper()
	cmd := exec.Command(shell, "-c", script)
	cmd.Stdin = input
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := cmd.Output()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return string(out), exitErr.ExitCode()
	}
	if err != nil {
		t.Fatalf("running %s: %v", shell, err)
	}
	return string(out), 0
}
