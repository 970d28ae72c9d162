// Package procout captures the standard output and error of a command, logs
// them line by line as they arrive, and words the error of a failed command.
package procout

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// tailLimit bounds how much of a failed command's output goes into its error.
const tailLimit = 4096

// Capture collects the two output streams of one command.
type Capture struct {
	stdout, stderr stream
}

// New returns a Capture that passes each complete output line to log when the
// stream's flag is set. log may be called from several goroutines, never at once.
func New(log func(line string), logStdout, logStderr bool) *Capture {
	var mu sync.Mutex
	serial := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		log(line)
	}
	c := &Capture{}
	if logStdout {
		c.stdout.log = serial
	}
	if logStderr {
		c.stderr.log = serial
	}
	return c
}

// Stdout is the writer for the command's standard output.
func (c *Capture) Stdout() io.Writer { return &c.stdout }

// Stderr is the writer for the command's standard error.
func (c *Capture) Stderr() io.Writer { return &c.stderr }

// Finish logs any last unterminated lines and returns both outputs without
// their final newline. Call it once the command has exited.
func (c *Capture) Finish() (stdout, stderr string) {
	c.stdout.flush()
	c.stderr.flush()
	return trimNewline(c.stdout.all.String()), trimNewline(c.stderr.all.String())
}

// Failure words the error of a command that ran as op ("create", "update",
// "delete") and failed with cause: the cause, then the tail of its standard
// error, or of its standard output when standard error is empty.
func Failure(op string, cause error, stdout, stderr string) error {
	name, text := "stderr", stderr
	if strings.TrimSpace(text) == "" {
		name, text = "stdout", stdout
	}
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("%s command failed: %w (no output)", op, cause)
	}
	if len(text) > tailLimit {
		text = "..." + text[len(text)-tailLimit:]
	}
	return fmt.Errorf("%s command failed: %w\n%s:\n%s", op, cause, name, text)
}

// trimNewline drops one final newline, as upstream does for its outputs.
func trimNewline(s string) string { return strings.TrimSuffix(s, "\n") }

type stream struct {
	all     bytes.Buffer
	partial []byte
	log     func(string)
}

func (s *stream) Write(b []byte) (int, error) {
	s.all.Write(b)
	if s.log == nil {
		return len(b), nil
	}
	s.partial = append(s.partial, b...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		s.log(strings.TrimSuffix(string(s.partial[:i]), "\r"))
		s.partial = s.partial[i+1:]
	}
	return len(b), nil
}

func (s *stream) flush() {
	if s.log != nil && len(s.partial) > 0 {
		s.log(string(s.partial))
		s.partial = nil
	}
}
