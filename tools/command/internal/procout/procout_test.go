package procout

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestCaptureLogsSelectedStreams(t *testing.T) {
	tests := []struct {
		name                 string
		logStdout, logStderr bool
		want                 []string
	}{
		{"both", true, true, []string{"out 1", "err 1", "out 2", "err 2", "out 3 unterminated"}},
		{"stdout only", true, false, []string{"out 1", "out 2", "out 3 unterminated"}},
		{"stderr only", false, true, []string{"err 1", "err 2"}},
		{"none", false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged []string
			c := New(func(line string) { logged = append(logged, line) }, tt.logStdout, tt.logStderr)
			write(t, c.Stdout(), "out 1\n")
			write(t, c.Stderr(), "err 1\r\n")
			write(t, c.Stdout(), "out ")
			write(t, c.Stdout(), "2\nout 3 unterminated")
			write(t, c.Stderr(), "err 2\n")
			stdout, stderr := c.Finish()
			if stdout != "out 1\nout 2\nout 3 unterminated" {
				t.Errorf("stdout = %q", stdout)
			}
			if stderr != "err 1\r\nerr 2" {
				t.Errorf("stderr = %q", stderr)
			}
			if !reflect.DeepEqual(logged, tt.want) {
				t.Errorf("logged %q, want %q", logged, tt.want)
			}
		})
	}
}

func TestFinishDropsOnlyOneFinalNewline(t *testing.T) {
	c := New(func(string) {}, false, false)
	write(t, c.Stdout(), "a\n\n")
	if stdout, _ := c.Finish(); stdout != "a\n" {
		t.Errorf("stdout = %q, want %q", stdout, "a\n")
	}
}

func TestFailure(t *testing.T) {
	cause := errors.New("exit status 3")
	long := strings.Repeat("x", tailLimit) + "END"
	tests := []struct {
		name           string
		stdout, stderr string
		want           string
	}{
		{"stderr shown", "out", "boom", "create command failed: exit status 3\nstderr:\nboom"},
		{"stdout when stderr empty", "only out", " \n", "create command failed: exit status 3\nstdout:\nonly out"},
		{"no output", "", "", "create command failed: exit status 3 (no output)"},
		{"long stderr keeps its tail", "", long, "create command failed: exit status 3\nstderr:\n..." + long[3:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Failure("create", cause, tt.stdout, tt.stderr)
			if err.Error() != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tt.want)
			}
			if !errors.Is(err, cause) {
				t.Errorf("the error does not wrap its cause")
			}
		})
	}
}

func write(t *testing.T, w io.Writer, s string) {
	t.Helper()
	if _, err := fmt.Fprint(w, s); err != nil {
		t.Fatal(err)
	}
}
