// Package bench measures pgsvc against its goals, on the lab and on fake nodes, and writes
// bench/RESULTS.md.
package bench

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
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
	// Earlier holds a previous report's rows and notes that a partial run keeps, marked with
	// that run's date.
	Earlier []string
	Notes   []string
}

func (r *Report) add(f Figure) { r.Figures = append(r.Figures, f) }

// Markdown renders the report.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# pgsvc benchmark results\n\nRun %s by `make bench`, %d repetitions per figure unless noted; min / median / max. Goals are judged on the median.\n", r.Started.UTC().Format(time.RFC3339), reps)
	if len(r.Earlier) > 0 {
		b.WriteString("A partial run: figures marked with an earlier run come from that run's report, on the same kind of machine.\n")
	}
	b.WriteString("\n## Machine\n\n")
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
	for _, row := range r.Earlier {
		b.WriteString(row + "\n")
	}
	b.WriteString("\n## Notes\n\n")
	for _, f := range r.Figures {
		if f.Note != "" {
			fmt.Fprintf(&b, "- %s: %s\n", f.Name, f.Note)
		}
	}
	for _, n := range r.Notes {
		b.WriteString(n + "\n")
	}
	return b.String()
}

var (
	runLine   = regexp.MustCompile(`^Run (\S+) by`)
	markedRow = regexp.MustCompile(`^(.*) \((run \S+)\)$`)
)

// keepEarlier takes from an earlier report (its Markdown) the figures this run does not measure,
// each marked with the earlier run's date, so that a partial run (make bench ONLY=...) leaves
// the rest of the results in place.
func (r *Report) keepEarlier(earlier string) {
	measured := map[string]bool{}
	for _, f := range r.Figures {
		measured[f.Name] = true
	}
	date, section := "an earlier run", ""
	for _, line := range strings.Split(earlier, "\n") {
		if m := runLine.FindStringSubmatch(line); m != nil {
			date = "run " + m[1]
		}
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		switch {
		case section == "## Figures" && strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| figure |"):
			cells := strings.Split(line, " | ")
			name, from := strings.TrimPrefix(cells[0], "| "), date
			if m := markedRow.FindStringSubmatch(name); m != nil {
				name, from = m[1], m[2]
			}
			if !measured[name] {
				cells[0] = "| " + name + " (" + from + ")"
				r.Earlier = append(r.Earlier, strings.Join(cells, " | "))
			}
		case section == "## Notes" && strings.HasPrefix(line, "- "):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "- "), ": ")
			if !measured[name] {
				r.Notes = append(r.Notes, line)
			}
		}
	}
}

// machineFacts describes the host.
func machineFacts() []string {
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1] + " kB"
	}
	return []string{
		fmt.Sprintf("cores: %d (%s)", runtime.NumCPU(), output("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")),
		"memory: " + mem,
		"kernel: " + output("uname", "-r"),
		"go: " + runtime.Version(),
		"load average at the start: " + output("cut", "-d", " ", "-f", "1-3", "/proc/loadavg"),
	}
}

// labFacts describes the lab nodes, for a run that measures them.
func labFacts(nodeVersions string) []string {
	return []string{
		"lab nodes: systemd-nspawn containers on the same host, sharing its cores",
		"node packages: " + nodeVersions,
	}
}

func output(name string, args ...string) string {
	b, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// only lists the sections a partial run measures (make bench ONLY=outage,rotation); empty for all.
var only = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(os.Getenv("PGSVC_BENCH_ONLY"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			m[s] = true
		}
	}
	return m
}()

// measures reports whether this run measures section.
func measures(section string) bool { return len(only) == 0 || only[section] }

// reps is how often each figure is measured: 3, or PGSVC_BENCH_REPS (make bench REPS=N) for a
// quicker, rougher run.
var reps = func() int {
	if n, err := strconv.Atoi(os.Getenv("PGSVC_BENCH_REPS")); err == nil && n > 0 {
		return n
	}
	return 3
}()
