package main

import (
	"strings"
	"testing"
)

func TestDryRun(t *testing.T) {
	for _, tc := range []struct {
		args string
		want bool
	}{
		{"preview", true},
		{"pre --stack dev --diff", true},
		{"preview --json --non-interactive --config-file x.yaml", true},
		{"--non-interactive -C /tmp/p preview", true},
		{"--cwd /tmp/p -v 9 --logtostderr preview", true},
		{"--cwd=/tmp/p -v=9 preview", true},
		{"--color never --tracing file:/tmp/t preview", true},
		{"refresh --preview-only", true},
		{"destroy --stack dev --preview-only=true", true},
		{"dn --preview-only", true},
		{"import --preview-only --file imports.json", true},

		{"", false},
		{"up --yes --skip-preview", false},
		{"up --expect-no-changes", false},
		{"update --yes", false},
		{"refresh --yes", false},
		{"destroy --yes --preview-only=false", false},
		{"destroy --preview-only --preview-only=false", false},
		{"refresh --yes -- --preview-only", false},
		{"up preview", false},
		{"up --preview-only", false},
		{"stack init preview", false},
		{"-C preview up", false},
		{"--profiling preview up", false},
		{"-- preview", false},
		{"plugin install resource command 1.2.1", false},
	} {
		if got := dryRun(strings.Fields(tc.args)); got != tc.want {
			t.Errorf("dryRun(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
