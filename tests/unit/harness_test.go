package unit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"pgsvc/components"
	"pgsvc/stacks"
)

// mockNoFile is the open-files limit the mocked facts command reports, as on the lab's nodes.
const mockNoFile = "20000"

// registered is one resource the program registered with the mocked engine.
type registered struct {
	Type, Name, Parent string
	Deps               []string
	Inputs             resource.PropertyMap
}

type mocks struct {
	mu        sync.Mutex
	resources map[string]*registered
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := &registered{Type: args.TypeToken, Name: args.Name, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Deps = rpc.GetDependencies()
	}
	m.resources[args.Name] = r
	outs := args.Inputs.Copy()
	switch args.TypeToken {
	case "random:index/randomPassword:RandomPassword":
		outs["result"] = resource.NewStringProperty("pw-" + args.Name)
	case "command:remote:Command":
		if strings.HasSuffix(args.Name, "-facts") {
			outs["stdout"] = resource.NewStringProperty(mockNoFile + "\n")
		} else {
			outs["stdout"] = resource.NewStringProperty("")
		}
	}
	return args.Name + "-id", outs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// deploy runs NewPgCluster for spec against the mocked engine and returns what it registered.
func deploy(t *testing.T, spec *stacks.Spec) map[string]*registered {
	t.Helper()
	m := &mocks{resources: map[string]*registered{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := components.NewPgCluster(ctx, spec.Cluster.Name, &components.PgClusterArgs{
			Spec: spec, PrivateKey: pulumi.String("test-key"),
		})
		return err
	}, pulumi.WithMocks("pgsvc", "dev", m))
	if err != nil {
		t.Fatal(err)
	}
	return m.resources
}

// devSpec loads the committed dev stack (Pulumi.dev.yaml) with a stand-in SSH key file.
func devSpec(t *testing.T) *stacks.Spec {
	t.Helper()
	return loadStack(t, devConfig(t))
}

// devConfig is the dev stack's config as raw JSON per key, editable by tests.
func devConfig(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(key, []byte("test-key"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc.Config[stacks.KeySSH].(map[string]any)["privateKeyFile"] = key
	return doc.Config
}

func loadStack(t *testing.T, cfg map[string]any) *stacks.Spec {
	t.Helper()
	spec, err := stacks.Load(func(key string) (string, bool) {
		v, ok := cfg[key]
		if !ok {
			return "", false
		}
		b, err := jsonOf(v)
		if err != nil {
			t.Fatal(err)
		}
		return b, true
	})
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// plain looks through secrets and outputs to the value inside.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// str reads a string property, looking through secrets.
func str(v resource.PropertyValue) string {
	if p := plain(v); p.IsString() {
		return p.StringValue()
	}
	return ""
}
