// Package bench measures pgsvc on the lab against its goals and writes bench/RESULTS.md.
package bench

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Figure is one measured quantity over repeated runs, with its goal.
type Figure struct {
	Name    string
	Unit    string
	Samples []float64
	// Goal describes the target; Pass judges the median against it.
	Goal string
	Pass func(median float64) bool
	Note string
}

func (f Figure) stats() (lo, med, hi float64) {
	s := slices.Clone(f.Samples)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0, 0, 0
	}
	med = s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return s[0], med, s[n-1]
}

// Report collects figures and writes them with the machine's facts.
type Report struct {
	Started time.Time
	Facts   []string
	Figures []Figure
}

func (r *Report) add(f Figure) { r.Figures = append(r.Figures, f) }

// Markdown renders the report.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# pgsvc benchmark results\n\nRun %s by `make bench`, %d repetitions per figure unless noted; min / median / max. Goals are judged on the median.\n\n## Machine\n\n", r.Started.UTC().Format(time.RFC3339), reps)
	for _, f := range r.Facts {
		fmt.Fprintf(&b, "- %s\n", f)
	}
	b.WriteString("\n## Figures\n\n| figure | min | median | max | goal | result |\n|---|---|---|---|---|---|\n")
	for _, f := range r.Figures {
		lo, med, hi := f.stats()
		result := "-"
		if f.Pass != nil && len(f.Samples) > 0 {
			result = "MISS"
			if f.Pass(med) {
				result = "PASS"
			}
		}
		fmt.Fprintf(&b, "| %s | %.2f %s | %.2f %s | %.2f %s | %s | %s |\n", f.Name, lo, f.Unit, med, f.Unit, hi, f.Unit, f.Goal, result)
	}
	b.WriteString("\n## Notes\n\n")
	for _, f := range r.Figures {
		if f.Note != "" {
			fmt.Fprintf(&b, "- %s: %s\n", f.Name, f.Note)
		}
	}
	return b.String()
}

// machineFacts describes the host and the lab nodes' package versions.
func machineFacts(nodeVersions string) []string {
	out := func(name string, args ...string) string {
		b, err := exec.Command(name, args...).Output()
		if err != nil {
			return "unknown"
		}
		return strings.TrimSpace(string(b))
	}
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1] + " kB"
	}
	return []string{
		fmt.Sprintf("cores: %d (%s)", runtime.NumCPU(), out("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")),
		"memory: " + mem,
		"kernel: " + out("uname", "-r"),
		"go: " + runtime.Version(),
		"lab nodes: systemd-nspawn containers on the same host, sharing its cores",
		"node packages: " + nodeVersions,
	}
}

// reps is how often each figure is measured: 3, or PGSVC_BENCH_REPS (make bench REPS=N) for a
// quicker, rougher run.
var reps = func() int {
	if n, err := strconv.Atoi(os.Getenv("PGSVC_BENCH_REPS")); err == nil && n > 0 {
		return n
	}
	return 3
}()
