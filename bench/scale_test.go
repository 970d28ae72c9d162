package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"pgsvc/bench/fakenodes"
	"pgsvc/bench/peakrss"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
)

// scaleSizes are the environments measured, in clusters; the linearity goal compares the last
// with the one before.
var scaleSizes = []int{1, 10, 50}

// benchScale measures the real engine on environments of 1, 10 and 50 clusters of the dev shape
// whose nodes are fake (loopback addresses served by an sshd that runs nothing): the preview, and
// a no-op up of the deployed environment. It needs neither the lab nor the dev stack.
func benchScale(t *testing.T, r *Report) {
	nodes := fakenodes.Start(t)
	project := scaleProject(t)
	shape := devClusterShape(t)
	type figures struct{ preview, previewCPU, previewMem, up, upCPU, upMem Figure }
	measured := map[int]*figures{}
	resources := map[int]string{}
	for _, n := range scaleSizes {
		f := &figures{
			preview:    Figure{Name: "preview of an environment of " + clusters(n), Unit: "s"},
			previewCPU: Figure{Name: "CPU time of the preview of " + clusters(n), Unit: "s"},
			previewMem: Figure{Name: "peak memory of the preview of " + clusters(n), Unit: "MB"},
			up:         Figure{Name: "no-op up of an environment of " + clusters(n), Unit: "s"},
			upCPU:      Figure{Name: "CPU time of the no-op up of " + clusters(n), Unit: "s"},
			upMem:      Figure{Name: "peak memory of the no-op up of " + clusters(n), Unit: "MB"},
		}
		measured[n] = f
		s := cli.NewTempStack(t, project)
		s.ConfigFile = environmentConfig(t, shape, nodes, n)
		// The fixture's deploy skips checkpoints: a state it loses midway fails the bench anyway.
		deploy := *s
		deploy.Env = slices.Concat(s.Env, []string{"PULUMI_SKIP_CHECKPOINTS=true"})
		d := timed(func() { deploy.MustRun(t, 2*time.Hour, "up", "--yes", "--skip-preview") })
		t.Logf("%s deployed on fake nodes in %.0f s", clusters(n), seconds(d))
		for i := 0; i < reps; i++ {
			run := measure(t, s, "preview", "--expect-no-changes")
			f.preview.Samples = append(f.preview.Samples, run.secs)
			f.previewCPU.Samples = append(f.previewCPU.Samples, run.cpu)
			f.previewMem.Samples = append(f.previewMem.Samples, run.mb)
			run = measure(t, s, "up", "--yes", "--skip-preview", "--expect-no-changes")
			f.up.Samples = append(f.up.Samples, run.secs)
			f.upCPU.Samples = append(f.upCPU.Samples, run.cpu)
			f.upMem.Samples = append(f.upMem.Samples, run.mb)
			if m := unchanged.FindStringSubmatch(run.out); m != nil {
				resources[n] = m[1]
			}
		}
	}
	last, before := scaleSizes[len(scaleSizes)-1], scaleSizes[len(scaleSizes)-2]
	perCluster := func(what string, of func(*figures) Figure) Figure {
		ratio := Figure{Name: fmt.Sprintf("%s time per cluster, %s / %s", what, clusters(last), clusters(before)), Unit: "x",
			Goal: "<= 1.5x (linear)", Pass: func(m float64) bool { return m <= 1.5 }}
		a, b := of(measured[last]).Samples, of(measured[before]).Samples
		for i := range a {
			ratio.Samples = append(ratio.Samples, (a[i]/float64(last))/(b[i]/float64(before)))
		}
		ratio.Note = "repetitions paired, median of the paired ratios"
		return ratio
	}
	var counts []string
	for _, n := range scaleSizes {
		counts = append(counts, fmt.Sprintf("%s at %s", resources[n], clusters(n)))
	}
	for _, n := range scaleSizes {
		f := measured[n]
		if n == last {
			f.preview.Goal, f.preview.Pass = "<= 60 s", func(m float64) bool { return m <= 60 }
			f.up.Goal, f.up.Pass = "<= 60 s", func(m float64) bool { return m <= 60 }
			f.previewMem.Goal, f.previewMem.Pass = "<= 2048 MB", func(m float64) bool { return m <= 2048 }
			f.upMem.Goal, f.upMem.Pass = "<= 2048 MB", func(m float64) bool { return m <= 2048 }
			f.preview.Note = fmt.Sprintf("resources: %s; clusters of the dev stack's pg-test shape, three members each, "+
				"beside infra-1 (etcd, dnsmasq); the nodes are loopback addresses served by one sshd whose every command succeeds doing nothing; "+
				"the program is prebuilt (runtime option binary), so the times are the engine's, the program's and the providers'; "+
				"preview through the toolchain's pulumi, which skips checkpoints in dry runs", strings.Join(counts, ", "))
			f.up.Note = "up --skip-preview --expect-no-changes with checkpoints on, on a file backend"
			f.previewCPU.Note = "user and system time of pulumi and every process under it (language host, program, plugins): the wall times depend on what else the machine runs, this much less"
			f.previewMem.Note = "the sum of the resident memory of pulumi and every process under it, sampled every 100 ms"
		}
		for _, figure := range []Figure{f.preview, f.previewCPU, f.previewMem, f.up, f.upCPU, f.upMem} {
			r.add(figure)
		}
	}
	r.add(perCluster("preview", func(f *figures) Figure { return f.preview }))
	r.add(perCluster("no-op up", func(f *figures) Figure { return f.up }))
}

func clusters(n int) string {
	if n == 1 {
		return "1 cluster"
	}
	return fmt.Sprintf("%d clusters", n)
}

var unchanged = regexp.MustCompile(`(\d+) unchanged`)

// pulumiRun is what one measured pulumi command took: wall and CPU seconds, its process tree's peak
// memory in MB (2^20 bytes), and its output.
type pulumiRun struct {
	secs, cpu, mb float64
	out           string
}

// measure runs one pulumi command on the stack; it fails the test when the command fails.
func measure(t *testing.T, s *cli.Stack, args ...string) pulumiRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cmd := s.Command(ctx, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	peak, err := peakrss.Run(cmd, 100*time.Millisecond)
	secs := seconds(time.Since(start))
	if err != nil {
		t.Fatalf("pulumi %v: %v\n%s", args, err, buf.String())
	}
	// The rusage of the process that wait4 returns counts the descendants it waited for.
	r := pulumiRun{secs: secs, cpu: seconds(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()), mb: float64(peak) / (1 << 20), out: buf.String()}
	t.Logf("pulumi %v: %.1f s, %.1f s CPU, %.0f MB", args, r.secs, r.cpu, r.mb)
	return r
}

// scaleProject is a project directory of the repository's program, prebuilt: the language host
// runs the binary instead of building the program in every run.
func scaleProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	program := filepath.Join(dir, "pgsvc")
	build := exec.Command("go", "build", "-o", program, ".")
	build.Dir = cli.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the program: %v\n%s", err, out)
	}
	project := fmt.Sprintf("name: pgsvc\nmain: %s\nruntime:\n  name: go\n  options:\n    binary: %s\n", cli.Root(), program)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(project), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// devClusterShape is the dev stack's three-member cluster as its committed config writes it.
func devClusterShape(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(cli.Root(), "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	shape := cli.ClusterConfig(doc.Config, cli.TestCluster)
	if shape == nil {
		t.Fatalf("Pulumi.dev.yaml has no cluster %s", cli.TestCluster)
	}
	return shape
}

// environmentConfig writes the config of an environment of n copies of shape, cluster i's members
// at 127.0.i.11 and up and its VIP at 127.0.i.3, beside infra-1 at 127.1.0.10, all on the fake
// nodes, and returns the file's path.
func environmentConfig(t *testing.T, shape map[string]any, nodes *fakenodes.Nodes, n int) string {
	t.Helper()
	var clusters []any
	for i := 0; i < n; i++ {
		c := clone(t, shape)
		c["name"] = fmt.Sprintf("pg-b%d", i)
		for j, m := range c["members"].([]any) {
			m.(map[string]any)["ip"] = fmt.Sprintf("127.0.%d.%d", i, 11+j)
		}
		if vip, ok := c["vip"].(map[string]any); ok {
			vip["address"] = fmt.Sprintf("127.0.%d.3", i)
		}
		clusters = append(clusters, c)
	}
	cfg := map[string]any{
		stacks.KeySSH:      map[string]any{"user": "root", "port": nodes.Port, "privateKeyFile": nodes.KeyFile},
		stacks.KeyInfra:    []any{map[string]any{"name": "infra-1", "ip": "127.1.0.10"}},
		stacks.KeyEtcd:     map[string]any{"members": []any{"infra-1", "pg-b0-1", "pg-b0-2"}},
		stacks.KeyClusters: clusters,
	}
	// JSON is YAML: the config file can be written as JSON.
	doc, err := json.MarshalIndent(map[string]any{"config": cfg}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "Pulumi.scale-"+strconv.Itoa(n)+".yaml")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// clone deep-copies a decoded config value.
func clone(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
