// Command pulumi-tfgen-random generates the Pulumi schema and bridge metadata
// that pulumi-resource-random embeds.
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"pgsvc/tools/random/bridgeinfo"
)

func main() {
	// Always start from empty metadata so the output depends only on the
	// provider, never on a previous generation.
	tfgen.Main(bridgeinfo.Package, bridgeinfo.Info([]byte("{}")))
}
