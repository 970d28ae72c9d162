package render

import (
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// FuzzYAMLQuote proves that any value, once quoted, parses back to itself as one YAML scalar:
// nothing in a value can add keys to patroni.yml or vip-manager.yml.
func FuzzYAMLQuote(f *testing.F) {
	for _, seed := range []string{"", "plain", `a"b`, "key: value", "- item", "#comment", "line\nbreak", "\\", "ünïcødé", "{x: 1}", "&anchor *ref"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("YAML documents are Unicode text")
		}
		var doc map[string]string
		if err := yaml.Unmarshal([]byte("k: "+yamlQuote(s)+"\nother: 1\n"), &doc); err != nil {
			t.Fatalf("quoted %q does not parse: %v", s, err)
		}
		if doc["k"] != s || len(doc) != 2 {
			t.Errorf("quoted %q parsed as %q (%d keys)", s, doc["k"], len(doc))
		}
	})
}

// FuzzSQLLiteral proves a quoted literal is one literal: an even number of quotes inside, and
// no way to close it early.
func FuzzSQLLiteral(f *testing.F) {
	for _, seed := range []string{"", "it's", "'; drop table x; --", "''", "\\'"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := sqlLiteral(s)
		inner := q[1 : len(q)-1]
		if strings.Count(strings.ReplaceAll(inner, "''", ""), "'") != 0 {
			t.Errorf("literal %s can be closed early", q)
		}
		if strings.ReplaceAll(inner, "''", "'") != s {
			t.Errorf("literal %s does not hold %q", q, s)
		}
	})
}

// FuzzShellQuote proves that any value, once quoted, reaches a command as exactly one word with
// exactly its bytes: no expansion, no injection.
func FuzzShellQuote(f *testing.F) {
	for _, seed := range []string{"", "plain", "it's", `a"b`, "$(reboot)", "`id`", "a b\tc", "line\nbreak", "$HOME", `back\slash`, "ünïcødé", "'; rm -rf / #", "*"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range s {
			if r == 0 {
				t.Skip("argv cannot carry NUL")
			}
		}
		out, err := exec.Command("sh", "-c", "printf '%s' "+ShellQuote(s)).Output()
		if err != nil {
			t.Fatalf("sh rejected %q: %v", ShellQuote(s), err)
		}
		if string(out) != s {
			t.Errorf("quoted %q came out as %q", s, out)
		}
	})
}
