// Package plugintest drives the built pulumi-resource-random binary over the
// Pulumi resource provider gRPC protocol, the way the engine does.
package plugintest

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

// binaryEnv overrides where the plugin under test is taken from.
const binaryEnv = "PULUMI_RESOURCE_RANDOM"

const startTimeout = 30 * time.Second

// binaryPath returns the plugin to test: $PULUMI_RESOURCE_RANDOM, or the
// build.sh output in the repository's .tools/plugins.
func binaryPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv(binaryEnv)
	if path == "" {
		path = filepath.Join("..", "..", "..", ".tools", "plugins", "pulumi-resource-random")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatalf("%s=%q: %v", binaryEnv, path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("plugin binary %q not found (run tools/random/build.sh or set %s): %v", abs, binaryEnv, err)
	}
	return abs
}

// provider is a running plugin process and a configured gRPC client for it.
type provider struct {
	client pulumirpc.ResourceProviderClient
}

// startProvider launches the plugin without an engine address (attach mode),
// reads the port it prints, connects and configures it. Everything is torn
// down when the test ends.
func startProvider(t *testing.T) *provider {
	t.Helper()
	cmd := exec.Command(binaryPath(t))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("plugin stderr:\n%s", stderr.String())
		}
	})

	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
	}()
	var addr string
	select {
	case p := <-port:
		if p == "" {
			t.Fatalf("plugin exited without printing its port; stderr:\n%s", stderr.String())
		}
		addr = "127.0.0.1:" + p
	case <-time.After(startTimeout):
		t.Fatalf("plugin printed no port within %s", startTimeout)
	}

	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial plugin at %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = conn.Close() })

	p := &provider{client: pulumirpc.NewResourceProviderClient(conn)}
	_, err = p.client.Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Args:            marshal(t, resource.PropertyMap{}),
		AcceptSecrets:   true,
		AcceptResources: true,
	})
	if err != nil {
		t.Fatalf("Configure: %v", err)
	}
	return p
}

var marshalOptions = plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true}

func marshal(t *testing.T, props resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(props, marshalOptions)
	if err != nil {
		t.Fatalf("marshal %v: %v", props, err)
	}
	return s
}

func unmarshal(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	props, err := plugin.UnmarshalProperties(s, marshalOptions)
	if err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return props
}

func urn(typ, name string) string {
	return string(resource.NewURN("test", "test", "", tokens.Type(typ), name))
}

// state is what the engine keeps of a created resource.
type state struct {
	urn     string
	id      string
	inputs  resource.PropertyMap
	outputs resource.PropertyMap
}

// check validates inputs the way the engine does before create or diff.
func (p *provider) check(t *testing.T, urn string, olds, news resource.PropertyMap) resource.PropertyMap {
	t.Helper()
	resp, err := p.client.Check(context.Background(), &pulumirpc.CheckRequest{
		Urn:  urn,
		Olds: marshal(t, olds),
		News: marshal(t, news),
	})
	if err != nil {
		t.Fatalf("Check %s: %v", urn, err)
	}
	if len(resp.GetFailures()) > 0 {
		t.Fatalf("Check %s: failures %v", urn, resp.GetFailures())
	}
	return unmarshal(t, resp.GetInputs())
}

func (p *provider) create(t *testing.T, typ, name string, inputs resource.PropertyMap) state {
	t.Helper()
	u := urn(typ, name)
	checked := p.check(t, u, nil, inputs)
	resp, err := p.client.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn:        u,
		Properties: marshal(t, checked),
	})
	if err != nil {
		t.Fatalf("Create %s: %v", u, err)
	}
	s := state{urn: u, id: resp.GetId(), inputs: checked, outputs: unmarshal(t, resp.GetProperties())}
	t.Cleanup(func() { p.delete(t, s) })
	return s
}

func (p *provider) diff(t *testing.T, s state, news resource.PropertyMap) *pulumirpc.DiffResponse {
	t.Helper()
	checked := p.check(t, s.urn, s.inputs, news)
	resp, err := p.client.Diff(context.Background(), &pulumirpc.DiffRequest{
		Id:        s.id,
		Urn:       s.urn,
		Olds:      marshal(t, s.outputs),
		News:      marshal(t, checked),
		OldInputs: marshal(t, s.inputs),
	})
	if err != nil {
		t.Fatalf("Diff %s: %v", s.urn, err)
	}
	return resp
}

func (p *provider) delete(t *testing.T, s state) {
	t.Helper()
	_, err := p.client.Delete(context.Background(), &pulumirpc.DeleteRequest{
		Id:         s.id,
		Urn:        s.urn,
		Properties: marshal(t, s.outputs),
		OldInputs:  marshal(t, s.inputs),
	})
	if err != nil {
		t.Errorf("Delete %s: %v", s.urn, err)
	}
}
