package main

import (
	"slices"
	"strconv"
	"strings"
)

// globalValueFlags are the CLI's global flags whose value may follow as the next argument.
var globalValueFlags = []string{"-C", "--cwd", "--color", "--tracing", "--tracing-header", "--otel-traces", "--profiling", "--memprofilerate", "-v", "--verbose"}

// dryRunCommands run only dry runs; previewOnlyCommands do with --preview-only.
var (
	dryRunCommands      = []string{"preview", "pre"}
	previewOnlyCommands = []string{"refresh", "destroy", "down", "dn", "import"}
)

// dryRun reports whether the CLI arguments (without the program name) ask for a dry run only,
// one whose snapshot the backend discards.
func dryRun(args []string) bool {
	command, rest := subcommand(args)
	switch {
	case slices.Contains(dryRunCommands, command):
		return true
	case slices.Contains(previewOnlyCommands, command):
		return previewOnly(rest)
	}
	return false
}

// subcommand returns the first argument that is not a global flag or its value, and the
// arguments after it.
func subcommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return "", nil
		case slices.Contains(globalValueFlags, a):
			i++
		case !strings.HasPrefix(a, "-"):
			return a, args[i+1:]
		}
	}
	return "", nil
}

// previewOnly reads the --preview-only flag from the command's arguments; as for any flag, the
// last occurrence wins.
func previewOnly(args []string) bool {
	on := false
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--preview-only" {
			on = true
		} else if v, ok := strings.CutPrefix(a, "--preview-only="); ok {
			on, _ = strconv.ParseBool(v)
		}
	}
	return on
}
