package bench

import (
	"strings"
	"testing"
)

// TestKeepEarlier: a partial run keeps the figures it did not measure, marked with the run they
// come from, and replaces the ones it did.
func TestKeepEarlier(t *testing.T) {
	earlier := (&Report{Figures: []Figure{
		{Name: "TPS select-only, new connection per transaction (-C), direct", Unit: "tps", Samples: []float64{18}, Note: "pgbench -C"},
		{Name: "switchover errors", Unit: "errors", Samples: []float64{49}},
	}}).Markdown()
	earlier = strings.Replace(earlier, "Run 0001-01-01T00:00:00Z", "Run 2026-12-02T04:06:16Z", 1)
	r := &Report{Figures: []Figure{{Name: "switchover errors", Unit: "errors", Samples: []float64{1}}}}
	r.keepEarlier(earlier)
	out := r.Markdown()
	for _, want := range []string{
		"| TPS select-only, new connection per transaction (-C), direct (run 2026-12-02T04:06:16Z) | 18.00 tps",
		"| switchover errors | 1.00 errors",
		"- TPS select-only, new connection per transaction (-C), direct: pgbench -C",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "49.00") {
		t.Errorf("the re-measured figure kept its earlier row:\n%s", out)
	}
	again := &Report{}
	again.keepEarlier(out)
	if got := strings.Join(again.Earlier, "\n"); strings.Count(got, "(run ") != 2 || strings.Contains(got, ") (run") {
		t.Errorf("a second partial run re-marked the rows:\n%s", got)
	}
}
