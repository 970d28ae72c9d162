package components

import (
	"os/exec"
	"testing"
)

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
		out, err := exec.Command("sh", "-c", "printf '%s' "+shellQuote(s)).Output()
		if err != nil {
			t.Fatalf("sh rejected %q: %v", shellQuote(s), err)
		}
		if string(out) != s {
			t.Errorf("quoted %q came out as %q", s, out)
		}
	})
}
