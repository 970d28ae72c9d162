// Command pulumi-resource-command is pgsvc's build of the Pulumi command
// provider plugin, compatible with github.com/pulumi/pulumi-command/sdk v1.2.1.
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"pgsvc/tools/command/internal/provider"
)

func main() {
	prov, err := provider.New()
	if err == nil {
		err = p.RunProvider(context.Background(), provider.Name, provider.Version, prov)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-command: %v\n", err)
		os.Exit(1)
	}
}
