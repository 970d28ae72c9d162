// Command pulumi-resource-random is the Pulumi resource plugin for the
// "random" package, bridged from the random Terraform provider.
package main

import (
	"context"
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"pgsvc/tools/random/bridgeinfo"
)

// Both files are written by pulumi-tfgen-random (see build.sh).
var (
	//go:embed schema.json
	schema []byte
	//go:embed bridge-metadata.json
	metadata []byte
)

func main() {
	tfbridge.Main(context.Background(), bridgeinfo.Package, bridgeinfo.Info(metadata),
		tfbridge.ProviderMetadata{PackageSchema: schema})
}
