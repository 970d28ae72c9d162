package unit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

	"pgsvc/stacks"
	"pgsvc/tests/mock"
)

// devSpec loads the committed dev stack (Pulumi.dev.yaml) with a stand-in SSH key file.
func devSpec(t *testing.T) *stacks.Spec {
	t.Helper()
	return loadStack(t, devConfig(t))
}

// devConfig is the dev stack's config as raw JSON per key, editable by tests, with a stand-in
// SSH key file.
func devConfig(t *testing.T) map[string]any {
	t.Helper()
	cfg := committedDevConfig(t)
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(key, []byte("test-key"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg[stacks.KeySSH].(map[string]any)["privateKeyFile"] = key
	return cfg
}

// committedDevConfig is the config in Pulumi.dev.yaml as it is.
func committedDevConfig(t *testing.T) map[string]any {
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

func deploy(t *testing.T, spec *stacks.Spec) map[string]*mock.Registered {
	return mock.Deploy(t, spec)
}
