package languagehost

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// writeModule lays out a throwaway Go module; files maps relative paths to contents.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module prog\n\ngo 1.26\n"
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// envProgram writes the Pulumi variables it sees to env.json, then exits with the status held
// in its config under "exit".
const envProgram = `package main

import (
	"encoding/json"
	"os"
	"strconv"
)

func main() {
	seen := map[string]string{}
	for _, k := range []string{"PULUMI_MONITOR", "PULUMI_ENGINE", "PULUMI_PROJECT", "PULUMI_STACK",
		"PULUMI_DRY_RUN", "PULUMI_PARALLEL", "PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS", "PULUMI_ROOT_DIRECTORY"} {
		seen[k] = os.Getenv(k)
	}
	b, _ := json.Marshal(seen)
	os.WriteFile("env.json", b, 0o600)
	var cfg map[string]string
	json.Unmarshal([]byte(os.Getenv("PULUMI_CONFIG")), &cfg)
	code, _ := strconv.Atoi(cfg["exit"])
	if code != 0 {
		os.Stderr.WriteString("failing on purpose\n")
	}
	os.Exit(code)
}
`

func TestRunPassesEnvironmentAndMapsExit(t *testing.T) {
	cases := []struct {
		exit      string
		wantBail  bool
		wantError string
	}{
		{exit: "0"},
		{exit: "32", wantBail: true},
		{exit: "3", wantError: "exit status 3"},
	}
	dir := writeModule(t, map[string]string{"main.go": envProgram})
	for _, tc := range cases {
		t.Run("exit "+tc.exit, func(t *testing.T) {
			var stderr bytes.Buffer
			h := New("127.0.0.1:1111", "v0", &bytes.Buffer{}, &stderr)
			resp, err := h.Run(context.Background(), &pulumirpc.RunRequest{
				Project: "proj", Stack: "dev", DryRun: true, Parallel: 4,
				MonitorAddress:   "127.0.0.1:2222",
				Config:           map[string]string{"proj:exit": tc.exit, "exit": tc.exit},
				ConfigSecretKeys: []string{"proj:exit"},
				Info:             &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: "."},
			})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Bail != tc.wantBail {
				t.Errorf("Bail = %v, want %v", resp.Bail, tc.wantBail)
			}
			if tc.wantError == "" && resp.Error != "" || !strings.Contains(resp.Error, tc.wantError) {
				t.Errorf("Error = %q, want it to contain %q", resp.Error, tc.wantError)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "env.json"))
			if err != nil {
				t.Fatal(err)
			}
			var seen map[string]string
			if err := json.Unmarshal(raw, &seen); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"PULUMI_MONITOR": "127.0.0.1:2222", "PULUMI_ENGINE": "127.0.0.1:1111",
				"PULUMI_PROJECT": "proj", "PULUMI_STACK": "dev", "PULUMI_DRY_RUN": "true",
				"PULUMI_PARALLEL": "4", "PULUMI_CONFIG_SECRET_KEYS": `["proj:exit"]`,
				"PULUMI_ROOT_DIRECTORY": dir,
			}
			for k, v := range want {
				if seen[k] != v {
					t.Errorf("%s = %q, want %q", k, seen[k], v)
				}
			}
			if tc.exit != "0" && !strings.Contains(stderr.String(), "failing on purpose") {
				t.Errorf("program stderr not passed through: %q", stderr.String())
			}
		})
	}
}

func TestHandshakeReplacesEngineAddress(t *testing.T) {
	dir := writeModule(t, map[string]string{"main.go": envProgram})
	h := New("", "v0", &bytes.Buffer{}, &bytes.Buffer{})
	if _, err := h.Handshake(context.Background(), &pulumirpc.LanguageHandshakeRequest{EngineAddress: "127.0.0.1:3333"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Run(context.Background(), &pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir}}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "env.json"))
	if !strings.Contains(string(raw), `"PULUMI_ENGINE":"127.0.0.1:3333"`) {
		t.Errorf("engine address from handshake not used: %s", raw)
	}
}

func TestRunReportsBuildErrorOnce(t *testing.T) {
	dir := writeModule(t, map[string]string{"main.go": "package main\n\nfunc main() { undefinedThing() }\n"})
	h := New("", "v0", &bytes.Buffer{}, &bytes.Buffer{})
	resp, err := h.Run(context.Background(), &pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.Error, "undefined: undefinedThing") || strings.Count(resp.Error, "undefinedThing") != 1 {
		t.Errorf("build error not reported once and readably: %q", resp.Error)
	}
}

// TestRebuildAfterChange: the program is built from its previous build, yet a changed program
// runs as changed, and a program in another directory is never taken for it.
func TestRebuildAfterChange(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	program := func(word string) string {
		return "package main\n\nimport \"os\"\n\nfunc main() { os.WriteFile(\"out\", []byte(\"" + word + "\"), 0o600) }\n"
	}
	run := func(dir string) string {
		h := New("", "v0", &bytes.Buffer{}, &bytes.Buffer{})
		resp, err := h.Run(context.Background(), &pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir, EntryPoint: "."}})
		if err != nil || resp.Error != "" {
			t.Fatalf("run: %v %s", err, resp.GetError())
		}
		out, err := os.ReadFile(filepath.Join(dir, "out"))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	dir := writeModule(t, map[string]string{"main.go": program("first")})
	other := writeModule(t, map[string]string{"main.go": program("other")})
	for i, step := range []struct{ dir, write, want string }{
		{dir, "", "first"}, {dir, "", "first"}, {dir, "second", "second"}, {other, "", "other"}, {dir, "", "second"},
	} {
		if step.write != "" {
			if err := os.WriteFile(filepath.Join(step.dir, "main.go"), []byte(program(step.write)), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if got := run(step.dir); got != step.want {
			t.Errorf("step %d: the program wrote %q, want %q", i, got, step.want)
		}
	}
}

// TestRunPrebuiltBinary: with the runtime option binary, the host runs that file and builds
// nothing (the program directory's source does not compile).
func TestRunPrebuiltBinary(t *testing.T) {
	dir := writeModule(t, map[string]string{"main.go": "package main\n\nfunc main() { undefinedThing() }\n"})
	built := writeModule(t, map[string]string{"main.go": envProgram})
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "prog"), ".")
	cmd.Dir = built
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, binary := range []string{"bin/prog", filepath.Join(dir, "bin", "prog")} {
		t.Run(binary, func(t *testing.T) {
			os.Remove(filepath.Join(dir, "env.json"))
			options, err := structpb.NewStruct(map[string]any{"binary": binary})
			if err != nil {
				t.Fatal(err)
			}
			h := New("", "v0", &bytes.Buffer{}, &bytes.Buffer{})
			resp, err := h.Run(context.Background(), &pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir, Options: options}})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Error != "" {
				t.Fatalf("Error = %q", resp.Error)
			}
			if _, err := os.Stat(filepath.Join(dir, "env.json")); err != nil {
				t.Errorf("the prebuilt program did not run: %v", err)
			}
		})
	}
}

func TestCancelStopsRunningProgram(t *testing.T) {
	dir := writeModule(t, map[string]string{"main.go": "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Minute) }\n"})
	h := New("", "v0", &bytes.Buffer{}, &bytes.Buffer{})
	done := make(chan *pulumirpc.RunResponse, 1)
	go func() {
		resp, _ := h.Run(context.Background(), &pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir}})
		done <- resp
	}()
	deadline := time.After(60 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case resp := <-done:
			if resp == nil || resp.Error == "" {
				t.Fatalf("cancelled run should report an error, got %v", resp)
			}
			return
		case <-tick.C:
			if _, err := h.Cancel(context.Background(), &emptypb.Empty{}); err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatal("program still running 60s after Cancel")
		}
	}
}

func TestRequiredPackagesFromPluginJSON(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"main.go":                     "package main\n\nimport _ \"prog/provider\"\n\nfunc main() {}\n",
		"provider/p.go":               "package provider\n",
		"provider/pulumi-plugin.json": `{"resource": true, "name": "widget", "version": "1.2.3"}`,
		"unused/u.go":                 "package unused\n",
		"unused/pulumi-plugin.json":   `{"resource": true, "name": "unused", "version": "9.9.9"}`,
	})
	h := New("", "v0", &bytes.Buffer{}, &bytes.Buffer{})
	resp, err := h.GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir, EntryPoint: "."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Packages) != 1 || resp.Packages[0].Name != "widget" || resp.Packages[0].Version != "1.2.3" || resp.Packages[0].Kind != "resource" {
		t.Errorf("packages = %v, want only widget 1.2.3", resp.Packages)
	}
}
