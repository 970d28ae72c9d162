package provider

import (
	"context"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// TestUnchangedFirst: equal inputs are answered without infer's diff; every other request,
// among them those infer's diff treats apart, reaches it.
func TestUnchangedFirst(t *testing.T) {
	inputs := map[string]property.Value{"create": str("echo hi"), "connection": connection("10.213.0.11"), "triggers": triggers("v1")}
	tests := []struct {
		name          string
		old, new      map[string]property.Value
		ignoreChanges []string
		wantInfer     bool
	}{
		{"equal", inputs, inputs, nil, false},
		{"a value changed", inputs, merged(inputs, map[string]property.Value{"create": str("echo bye")}), nil, true},
		{"a key added", inputs, merged(inputs, map[string]property.Value{"stdin": str("x")}), nil, true},
		{"only secretness changed", inputs, merged(inputs, map[string]property.Value{"create": str("echo hi").WithSecret(true)}), nil, true},
		{"unknown value", merged(inputs, map[string]property.Value{"stdin": property.New(property.Computed)}),
			merged(inputs, map[string]property.Value{"stdin": property.New(property.Computed)}), nil, true},
		{"ignored changes", inputs, inputs, []string{"create"}, true},
		{"engine key", merged(inputs, map[string]property.Value{"__defaults": property.New([]property.Value{})}),
			merged(inputs, map[string]property.Value{"__defaults": property.New([]property.Value{})}), nil, true},
		{"no old inputs", nil, inputs, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			prov := unchangedFirst(p.Provider{Diff: func(context.Context, p.DiffRequest) (p.DiffResponse, error) {
				called = true
				return p.DiffResponse{HasChanges: true}, nil
			}})
			resp, err := prov.Diff(context.Background(), p.DiffRequest{
				OldInputs: property.NewMap(tt.old), Inputs: property.NewMap(tt.new), IgnoreChanges: tt.ignoreChanges,
			})
			if err != nil {
				t.Fatal(err)
			}
			if called != tt.wantInfer {
				t.Errorf("infer's diff called = %v, want %v", called, tt.wantInfer)
			}
			if !tt.wantInfer && (resp.HasChanges || len(resp.DetailedDiff) > 0) {
				t.Errorf("equal inputs diffed as %+v", resp)
			}
		})
	}
}
