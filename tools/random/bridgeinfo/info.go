// Package bridgeinfo maps the random Terraform provider onto the Pulumi
// package "random" as published by github.com/pulumi/pulumi-random/sdk/v4.
package bridgeinfo

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	bridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/terraform-providers/terraform-provider-random/shim"
)

const (
	// Package is the Pulumi package name the SDK registers resources under.
	Package = "random"
	// Version is the plugin version the SDK v4.21.1 asks the engine for.
	Version = "4.21.1"
)

// Info describes the bridged provider. metadata is the bridge metadata
// produced by tfgen; tfgen itself starts from an empty object.
func Info(metadata []byte) bridge.ProviderInfo {
	info := bridge.ProviderInfo{
		P:            tfbridge.ShimProvider(shim.NewProvider()),
		Name:         Package,
		Version:      Version,
		Description:  "A Pulumi package to safely use randomness in Pulumi programs.",
		License:      "Apache-2.0",
		MetadataInfo: bridge.NewProviderMetadata(metadata),
		Resources: map[string]*bridge.ResourceInfo{
			"random_bytes": {ComputeID: bytesID},
		},
	}
	// The TF prefix is kept in the name, so "random_password" becomes
	// random:index/randomPassword:RandomPassword like in the published SDK.
	info.MustComputeTokens(tokens.SingleModule("", "index", tokens.MakeStandard(Package)))
	return info
}

// bytesID gives random_bytes, which has no "id" attribute, its base64 value
// as ID. The value is secret in state, but IDs cannot carry secret markers.
func bytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["base64"]
	if !ok {
		return "", fmt.Errorf("random_bytes: state has no %q property", "base64")
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return "", fmt.Errorf("random_bytes: property %q is %s, want a string", "base64", v.TypeString())
	}
	return resource.ID(v.StringValue()), nil
}
