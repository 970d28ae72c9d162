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
	var raw struct {
		infra    []Node
		cluster  *Cluster
		clusters []Cluster
	}
	decoders := []struct {
		key      string
		into     any
		required bool
	}{
		{KeySSH, &spec.SSH, true},
		{KeyInfra, &raw.infra, false},
		{KeyEtcd, &spec.Etcd, false},
		{KeyTLS, &spec.TLS, false},
		{KeyCluster, &raw.cluster, false},
		{KeyClusters, &raw.clusters, false},
	}
	var errs []error
	set := map[string]bool{}
	for _, d := range decoders {
		value, ok := get(d.key)
		if !ok || strings.TrimSpace(value) == "" {
			if d.required {
				errs = append(errs, fmt.Errorf("%s: required config key is not set", d.key))
			}
			continue
		}
		set[d.key] = true
		if err := decodeStrict(value, d.into); err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", d.key, err))
		}
	}
	switch {
	case set[KeyCluster] && set[KeyClusters]:
		errs = append(errs, fmt.Errorf("%s and %s are both set: a stack lists its clusters in one of them", KeyCluster, KeyClusters))
	case !set[KeyCluster] && !set[KeyClusters]:
		errs = append(errs, fmt.Errorf("%s (or %s for one cluster): required config key is not set", KeyClusters, KeyCluster))
	case set[KeyClusters] && len(raw.clusters) == 0 && len(errs) == 0:
		errs = append(errs, fmt.Errorf("%s = []: list at least one cluster", KeyClusters))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	spec.Infra = raw.infra
	if raw.cluster != nil {
		spec.Clusters = []Cluster{*raw.cluster}
	} else {
		spec.Clusters = raw.clusters
		for i := range spec.Clusters {
			spec.Clusters[i].key = fmt.Sprintf("%s[%d]", KeyClusters, i)
		}
	}
	applyDefaults(&spec)
	if err := spec.validate(); err != nil {
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
