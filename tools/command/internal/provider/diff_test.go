package provider

import (
	"maps"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func connection(host string) property.Value {
	return property.New(map[string]property.Value{
		"host":       str(host),
		"port":       property.New(22.0),
		"user":       str("root"),
		"privateKey": str("not-a-real-key"),
	}).WithSecret(true)
}

func triggers(values ...string) property.Value {
	var out []property.Value
	for _, v := range values {
		out = append(out, str(v))
	}
	return property.New(out)
}

func textAsset(t *testing.T, text string) property.Value {
	t.Helper()
	a, err := asset.FromText(text)
	if err != nil {
		t.Fatal(err)
	}
	return property.New(a)
}

// TestDiff pins which input changes update a resource in place (re-running its
// update or create command) and which replace it, as in pulumi-command.
func TestDiff(t *testing.T) {
	localBase := map[string]property.Value{
		"create":      str("echo create"),
		"delete":      str("echo delete"),
		"triggers":    triggers("v1"),
		"dir":         str("/tmp"),
		"environment": strMap(map[string]string{"A": "1"}),
	}
	remoteBase := map[string]property.Value{
		"connection":  connection("10.213.0.11"),
		"create":      str("echo create"),
		"delete":      str("echo delete"),
		"triggers":    triggers("v1"),
		"environment": strMap(map[string]string{"A": "1"}),
	}
	copyBase := map[string]property.Value{
		"connection": connection("10.213.0.11"),
		"source":     textAsset(t, "content v1"),
		"remotePath": str("/etc/pgsvc/file"),
		"triggers":   triggers("v1"),
	}

	tests := []struct {
		name      string
		typ       string
		base      map[string]property.Value
		change    map[string]property.Value // merged over base; a null value removes the key
		wantKinds map[string]p.DiffKind     // nil: no changes
	}{
		{"local: nothing changed", localCommand, localBase, nil, nil},
		{"local: create changed updates", localCommand, localBase,
			map[string]property.Value{"create": str("echo create v2")},
			map[string]p.DiffKind{"create": p.Update}},
		{"local: delete changed updates", localCommand, localBase,
			map[string]property.Value{"delete": str("echo bye")},
			map[string]p.DiffKind{"delete": p.Update}},
		{"local: update added updates", localCommand, localBase,
			map[string]property.Value{"update": str("echo update")},
			map[string]p.DiffKind{"update": p.Add}},
		{"local: environment changed updates", localCommand, localBase,
			map[string]property.Value{"environment": strMap(map[string]string{"A": "2"})},
			map[string]p.DiffKind{"environment.A": p.Update}},
		{"local: dir changed updates", localCommand, localBase,
			map[string]property.Value{"dir": str("/var/tmp")},
			map[string]p.DiffKind{"dir": p.Update}},
		{"local: trigger changed replaces", localCommand, localBase,
			map[string]property.Value{"triggers": triggers("v2")},
			map[string]p.DiffKind{"triggers[0]": p.UpdateReplace}},
		{"local: trigger added replaces", localCommand, localBase,
			map[string]property.Value{"triggers": triggers("v1", "extra")},
			map[string]p.DiffKind{"triggers[1]": p.AddReplace}},
		{"local: asset trigger changed replaces", localCommand,
			merged(localBase, map[string]property.Value{"triggers": property.New([]property.Value{textAsset(t, "a")})}),
			map[string]property.Value{"triggers": property.New([]property.Value{textAsset(t, "b")})},
			map[string]p.DiffKind{"triggers[0].hash": p.UpdateReplace, "triggers[0].text": p.UpdateReplace}},
		{"local: triggers removed replaces", localCommand, localBase,
			map[string]property.Value{"triggers": property.Value{}},
			map[string]p.DiffKind{"triggers": p.DeleteReplace}},

		{"remote: nothing changed", remoteCommand, remoteBase, nil, nil},
		{"remote: create changed updates", remoteCommand, remoteBase,
			map[string]property.Value{"create": str("echo create v2")},
			map[string]p.DiffKind{"create": p.Update}},
		{"remote: connection changed updates", remoteCommand, remoteBase,
			map[string]property.Value{"connection": connection("10.213.0.12")},
			map[string]p.DiffKind{"connection": p.Update}},
		{"remote: stdin added updates", remoteCommand, remoteBase,
			map[string]property.Value{"stdin": str("input")},
			map[string]p.DiffKind{"stdin": p.Add}},
		{"remote: trigger changed replaces", remoteCommand, remoteBase,
			map[string]property.Value{"triggers": triggers("v2")},
			map[string]p.DiffKind{"triggers[0]": p.UpdateReplace}},

		{"copy: nothing changed", copyToRemote, copyBase, nil, nil},
		{"copy: source changed updates", copyToRemote, copyBase,
			map[string]property.Value{"source": textAsset(t, "content v2")},
			map[string]p.DiffKind{"source": p.Update}},
		{"copy: remote path changed updates", copyToRemote, copyBase,
			map[string]property.Value{"remotePath": str("/etc/pgsvc/other")},
			map[string]p.DiffKind{"remotePath": p.Update}},
		{"copy: connection changed updates", copyToRemote, copyBase,
			map[string]property.Value{"connection": connection("10.213.0.12")},
			map[string]p.DiffKind{"connection": p.Update}},
		{"copy: trigger changed replaces", copyToRemote, copyBase,
			map[string]property.Value{"triggers": triggers("v2")},
			map[string]p.DiffKind{"triggers[0]": p.UpdateReplace}},
	}
	s := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRes(t, s, tt.typ, "diffed")
			r.id = "diffed-1234"
			r.inputs = r.check(tt.base)
			r.state = stateOf(tt.typ, r.inputs)

			got := r.diff(merged(tt.base, tt.change))

			if got.HasChanges != (tt.wantKinds != nil) {
				t.Fatalf("HasChanges = %v, detailed diff %v", got.HasChanges, got.DetailedDiff)
			}
			if len(got.DetailedDiff) != len(tt.wantKinds) {
				t.Errorf("detailed diff = %v, want %v", got.DetailedDiff, tt.wantKinds)
			}
			for k, want := range tt.wantKinds {
				if got.DetailedDiff[k].Kind != want {
					t.Errorf("diff of %s = %q, want %q (all: %v)", k, got.DetailedDiff[k].Kind, want, got.DetailedDiff)
				}
			}
			if got.DeleteBeforeReplace {
				t.Errorf("DeleteBeforeReplace is set; upstream leaves the order to the program")
			}
		})
	}
}

// merged returns base with change applied; a null value in change removes the key.
func merged(base, change map[string]property.Value) map[string]property.Value {
	out := maps.Clone(base)
	for k, v := range change {
		if v.IsNull() {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// stateOf returns the state a resource created from inputs has: the inputs
// and, for commands, empty outputs.
func stateOf(typ string, inputs property.Map) property.Map {
	if typ == copyToRemote {
		return inputs
	}
	state := inputs.AsMap()
	state["stdout"] = str("")
	state["stderr"] = str("")
	return property.NewMap(state)
}
