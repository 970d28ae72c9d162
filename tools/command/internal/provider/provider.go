// Package provider assembles the command provider: package `command`, version
// 1.2.1, the version the pulumi-command Go SDK v1.2.1 asks the engine for.
package provider

import (
	"context"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"pgsvc/tools/command/internal/local"
	"pgsvc/tools/command/internal/redact"
	"pgsvc/tools/command/internal/remote"
)

// Name and Version identify the plugin to the engine.
const (
	Name    = "command"
	Version = "1.2.1"
)

// New builds the provider. Resource tokens come from the Go package of each
// resource: command:local:Command, command:remote:Command,
// command:remote:CopyToRemote.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("Command").
		WithDescription("Runs commands locally or on remote hosts over SSH (pgsvc build, compatible with pulumi-command v1.2.1).").
		WithResources(
			infer.Resource(&local.Command{}),
			infer.Resource(&remote.Command{}),
			infer.Resource(&remote.CopyToRemote{}),
		).
		Build()
	if err != nil {
		return p.Provider{}, err
	}
	return redact.Guard(unchangedFirst(replaceOnTriggers(prov))), nil
}

// unchangedFirst answers the commonest diff, inputs equal to the last ones, without infer's diff,
// which rebuilds the resource's schema by reflection in every call: most of the provider's time
// in a no-op deploy. Every other request goes on to infer, among them those its diff treats
// apart: ignored changes, unknown values, and the engine's own keys (version, __*).
func unchangedFirst(prov p.Provider) p.Provider {
	diff := prov.Diff
	prov.Diff = func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
		if len(req.IgnoreChanges) == 0 && req.OldInputs.Len() > 0 && !req.Inputs.HasComputed() &&
			!hasEngineKeys(req.Inputs) && req.OldInputs.Equals(req.Inputs) {
			return p.DiffResponse{}, nil
		}
		return diff(ctx, req)
	}
	return prov
}

func hasEngineKeys(m property.Map) bool {
	for k := range m.All {
		if k == "version" || strings.HasPrefix(k, "__") {
			return true
		}
	}
	return false
}

// replaceOnTriggers makes any change under `triggers` a replacement. Every
// resource here marks `triggers` replaceOnChanges, but infer's default diff
// only honours that for changes of the whole property, while a changed
// element shows up as "triggers[0]".
func replaceOnTriggers(prov p.Provider) p.Provider {
	diff := prov.Diff
	prov.Diff = func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
		resp, err := diff(ctx, req)
		for path, d := range resp.DetailedDiff {
			root := path
			if i := strings.IndexAny(path, ".["); i >= 0 {
				root = path[:i]
			}
			if root == "triggers" {
				d.Kind = asReplace(d.Kind)
				resp.DetailedDiff[path] = d
			}
		}
		return resp, err
	}
	return prov
}

func asReplace(k p.DiffKind) p.DiffKind {
	switch k {
	case p.Add:
		return p.AddReplace
	case p.Update:
		return p.UpdateReplace
	case p.Delete:
		return p.DeleteReplace
	}
	return k
}
