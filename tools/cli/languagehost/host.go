// Package languagehost is pgsvc's Go language runtime for the Pulumi engine: it builds a Go
// program with the local Go toolchain and runs it against the engine's resource monitor.
package languagehost

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// exitStatusLoggedError is what a program built on sdk/v3's pulumi.Run exits with after it has
// already reported its error to the engine.
const exitStatusLoggedError = 32

// Host implements pulumirpc.LanguageRuntimeServer for Go programs.
type Host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	version string
	stdout  io.Writer
	stderr  io.Writer

	mu            sync.Mutex
	engineAddress string
	cancels       map[int]context.CancelFunc
	nextRun       int
}

// New returns a host that reports version and connects programs to the engine at engineAddress
// (which a Handshake may replace). Program and toolchain output go to stdout and stderr.
func New(engineAddress, version string, stdout, stderr io.Writer) *Host {
	return &Host{
		version:       version,
		engineAddress: engineAddress,
		stdout:        stdout,
		stderr:        stderr,
		cancels:       map[int]context.CancelFunc{},
	}
}

// Handshake records the engine's address.
func (h *Host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetPluginInfo reports the host's version.
func (h *Host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: h.version}, nil
}

// GetRequiredPackages lists the resource plugins that the program's Go dependencies declare in
// their pulumi-plugin.json files.
func (h *Host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := requiredPlugins(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range plugins {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
			Kind: "resource", Name: p.Name, Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, still asked by some engine paths.
func (h *Host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	plugins, err := requiredPlugins(ctx, req.GetInfo())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range plugins {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Kind: "resource", Name: p.Name, Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

// InstallDependencies downloads the program's modules, streaming the go command's output.
func (h *Host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	dir := programDir(req.GetInfo(), req.GetDirectory())
	cmd := exec.CommandContext(stream.Context(), "go", "mod", "download")
	cmd.Dir = dir
	cmd.Stdout = streamWriter(func(b []byte) error { return stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b}) })
	cmd.Stderr = streamWriter(func(b []byte) error { return stream.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b}) })
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go mod download in %s: %w", dir, err)
	}
	return nil
}

// Run builds the program and runs it with the environment that sdk/v3's pulumi.Run reads.
func (h *Host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	ctx, id := h.track(ctx)
	defer h.untrack(id)

	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	bin, cleanup, buildErr := h.program(ctx, info, dir)
	if buildErr != nil {
		return &pulumirpc.RunResponse{Error: buildErr.Error()}, nil
	}
	defer cleanup()

	env, err := h.programEnv(req, info)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, req.GetArgs()...)
	cmd.Dir = req.GetPwd()
	if cmd.Dir == "" {
		cmd.Dir = dir
	}
	cmd.Env = env
	cmd.Stdout = h.stdout
	cmd.Stderr = h.stderr
	return runResult(cmd.Run()), nil
}

// runResult maps the program's exit to the engine's protocol: a logged error bails quietly,
// anything else is reported once.
func runResult(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == exitStatusLoggedError {
		return &pulumirpc.RunResponse{Bail: true}
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("the Go program failed: %v", err)}
}

// Cancel stops every running program.
func (h *Host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, cancel := range h.cancels {
		cancel()
	}
	return &emptypb.Empty{}, nil
}

// About describes the Go toolchain that builds programs.
func (h *Host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("the go command is not on PATH")
	}
	out, err := exec.CommandContext(ctx, goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: goBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "go"),
		Metadata:   map[string]string{"host": "pgsvc pulumi-language-go " + h.version},
	}, nil
}

// GetProgramDependencies lists the modules the program builds with.
func (h *Host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	format := "{{if not (or .Main .Indirect)}}{{.Path}} {{.Version}}{{end}}"
	if req.GetTransitiveDependencies() {
		format = "{{if not .Main}}{{.Path}} {{.Version}}{{end}}"
	}
	args := []string{"list", "-m", "-f", format, "all"}
	out, err := goOutput(ctx, dir, args...)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, line := range strings.Split(string(out), "\n") {
		if path, version, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: path, Version: version})
		}
	}
	return resp, nil
}

func (h *Host) track(parent context.Context) (context.Context, int) {
	ctx, cancel := context.WithCancel(parent)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextRun++
	h.cancels[h.nextRun] = cancel
	return ctx, h.nextRun
}

func (h *Host) untrack(id int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if cancel, ok := h.cancels[id]; ok {
		cancel()
		delete(h.cancels, id)
	}
}

// program returns the program to run and what removes it after the run: the prebuilt binary that
// the project's runtime option binary names (relative to the program directory), as with
// upstream's Go host, or else a fresh build.
func (h *Host) program(ctx context.Context, info *pulumirpc.ProgramInfo, dir string) (string, func(), error) {
	if bin, _ := info.GetOptions().AsMap()["binary"].(string); bin != "" {
		if !filepath.IsAbs(bin) {
			bin = filepath.Join(dir, bin)
		}
		return bin, func() {}, nil
	}
	return h.build(ctx, dir, entryPoint(info))
}

// build compiles the program into a temporary file that cleanup removes. The previous build of
// the same program seeds that file: go build then relinks only when the program changed, which
// saves every pulumi command the link of a large binary.
func (h *Host) build(ctx context.Context, dir, entry string) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "pgsvc-go-program-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	bin := filepath.Join(tmp, "program")
	previous := previousBuild(dir, entry)
	if previous != "" {
		// A missing or unreadable previous build only means a full link.
		_ = copyFile(previous, bin, tmp)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, entry)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("unable to build the Go program in %s: %v\n%s", dir, err, strings.TrimSpace(out.String()))
	}
	if previous != "" {
		_ = copyFile(bin, previous, filepath.Dir(previous))
	}
	return bin, cleanup, nil
}

// previousBuild is where the last build of the program in dir is kept, in the user's cache;
// "" when there is no cache directory.
func previousBuild(dir, entry string) string {
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(abs + "\x00" + entry))
	dst := filepath.Join(cache, "pgsvc-language-go", hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dst, "program")
}

// copyFile copies src to dst through a temporary file in tmpDir, renamed into place, so that a
// program running from dst is never rewritten under it.
func copyFile(src, dst, tmpDir string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.CreateTemp(tmpDir, ".copy-*")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name())
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Chmod(0o755); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(out.Name(), dst)
}

func (h *Host) programEnv(req *pulumirpc.RunRequest, info *pulumirpc.ProgramInfo) ([]string, error) {
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()
	return append(os.Environ(),
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+engine,
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY="+info.GetRootDirectory(),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	), nil
}

// requiredPlugins reads pulumi-plugin.json from every non-standard package the program imports.
func requiredPlugins(ctx context.Context, info *pulumirpc.ProgramInfo) ([]plugin.PulumiPluginJSON, error) {
	dir := programDir(info, "")
	out, err := goOutput(ctx, dir, "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", entryPoint(info))
	if err != nil {
		return nil, err
	}
	var plugins []plugin.PulumiPluginJSON
	seen := map[string]bool{}
	for _, pkgDir := range strings.Fields(string(out)) {
		meta, err := plugin.LoadPulumiPluginJSON(filepath.Join(pkgDir, "pulumi-plugin.json"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", filepath.Join(pkgDir, "pulumi-plugin.json"), err)
		}
		if !meta.Resource || meta.Name == "" || seen[meta.Name+"@"+meta.Version] {
			continue
		}
		seen[meta.Name+"@"+meta.Version] = true
		plugins = append(plugins, *meta)
	}
	return plugins, nil
}

func goOutput(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s in %s: %v: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if d := info.GetProgramDirectory(); d != "" {
		return d
	}
	return fallback
}

func entryPoint(info *pulumirpc.ProgramInfo) string {
	e := info.GetEntryPoint()
	if e == "" || e == "." {
		return "."
	}
	return "./" + strings.TrimPrefix(e, "./")
}

type streamWriter func([]byte) error

func (w streamWriter) Write(b []byte) (int, error) {
	if err := w(append([]byte(nil), b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}
