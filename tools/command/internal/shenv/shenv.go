// Package shenv hands environment variables to a command run by a remote POSIX
// shell through the command's standard input.
//
// SSH "env" requests are refused by a stock sshd (Debian accepts only LANG and
// LC_* through AcceptEnv) and sshd logs their values at debug level; putting
// `export K=V;` in front of the command would show the values in the remote
// process list. Instead the command is prefixed with a short loop that reads
// one line per variable from standard input (a name and the value as octal
// printf escapes, so any byte but NUL survives), exports it, stops at a line
// holding a single dot, and then runs the command, which reads the rest of
// standard input as its own. The shell's read builtin consumes input byte by
// byte, so nothing past the dot line is lost.
package shenv

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// prelude reads the variables. Only printf and read are used, both builtins
// of dash and bash; the $(...; printf x) dance keeps trailing newlines.
const prelude = `while IFS=' ' read -r __pgsvc_k __pgsvc_v && [ "$__pgsvc_k" != . ]; do ` +
	`__pgsvc_v=$(printf "$__pgsvc_v"; printf x); export "$__pgsvc_k=${__pgsvc_v%x}"; done; ` +
	`unset __pgsvc_k __pgsvc_v` + "\n"

var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Wrap returns the command to run and the standard input to send so that the
// shell exports env before running command with stdin (nil: empty input).
// Without variables the command and input are returned as they are.
func Wrap(command string, env map[string]string, stdin io.Reader) (string, io.Reader, error) {
	if len(env) == 0 {
		return command, stdin, nil
	}
	names := make([]string, 0, len(env))
	for name := range env {
		names = append(names, name)
	}
	sort.Strings(names)

	var head strings.Builder
	for _, name := range names {
		if !validName.MatchString(name) {
			return "", nil, fmt.Errorf("environment variable name %q is not a valid shell variable name", name)
		}
		value := env[name]
		if strings.IndexByte(value, 0) >= 0 {
			return "", nil, fmt.Errorf("environment variable %q: value contains a NUL byte", name)
		}
		head.WriteString(name)
		head.WriteByte(' ')
		for i := 0; i < len(value); i++ {
			fmt.Fprintf(&head, `\%03o`, value[i])
		}
		head.WriteByte('\n')
	}
	head.WriteString(".\n")

	input := io.Reader(strings.NewReader(head.String()))
	if stdin != nil {
		input = io.MultiReader(input, stdin)
	}
	return prelude + command, input, nil
}
