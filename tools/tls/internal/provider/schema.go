package provider

import (
	"context"
	"encoding/json"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
)

// moduleFormat tells schema readers that a token's module is what comes
// before its last "/": tls:index/privateKey:PrivateKey is in module index.
// Without it the SDK's tokens do not bind ("nested modules under index").
// Bridged providers, pulumi-tls among them, declare the same.
const moduleFormat = "(.*)(?:/[^/]*)"

// withModuleFormat adds meta.moduleFormat to the schema infer generates,
// which has no option for it.
func withModuleFormat(prov p.Provider) p.Provider {
	get := prov.GetSchema
	prov.GetSchema = func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := get(ctx, req)
		if err != nil {
			return resp, err
		}
		var spec map[string]any
		if err := json.Unmarshal([]byte(resp.Schema), &spec); err != nil {
			return resp, fmt.Errorf("reading the generated schema: %w", err)
		}
		meta, _ := spec["meta"].(map[string]any)
		if meta == nil {
			meta = map[string]any{}
		}
		meta["moduleFormat"] = moduleFormat
		spec["meta"] = meta
		out, err := json.Marshal(spec)
		if err != nil {
			return resp, err
		}
		resp.Schema = string(out)
		return resp, nil
	}
	return prov
}
