package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Load decodes the pgsvc config keys (get returns a key's raw JSON value and whether it is set),
// applies defaults and validates the result. Every problem found is reported, each naming the
// key and the value.
func Load(get func(key string) (string, bool)) (*Spec, error) {
	var spec Spec
	var raw struct{ infra []Node }
	decoders := []struct {
		key      string
		into     any
		required bool
	}{
		{KeySSH, &spec.SSH, true},
		{KeyInfra, &raw.infra, false},
		{KeyEtcd, &spec.Etcd, false},
		{KeyCluster, &spec.Cluster, true},
	}
	var errs []error
	for _, d := range decoders {
		value, ok := get(d.key)
		if !ok || strings.TrimSpace(value) == "" {
			if d.required {
				errs = append(errs, fmt.Errorf("%s: required config key is not set", d.key))
			}
			continue
		}
		if err := decodeStrict(value, d.into); err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", d.key, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	spec.Infra = raw.infra
	applyDefaults(&spec)
	if err := validate(&spec); err != nil {
		return nil, err
	}
	return &spec, nil
}

func decodeStrict(value string, into any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(value)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the value")
	}
	return nil
}

// LoadConfigJSON loads a spec from the output of `pulumi config --json`.
func LoadConfigJSON(data []byte) (*Spec, error) {
	var cfg map[string]struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("reading stack config: %w", err)
	}
	return Load(func(key string) (string, bool) { v, ok := cfg[key]; return v.Value, ok })
}
