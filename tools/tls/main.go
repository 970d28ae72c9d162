// Command pulumi-resource-tls is pgsvc's build of the Pulumi tls provider
// plugin, compatible with github.com/pulumi/pulumi-tls/sdk/v5 v5.2.0.
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"pgsvc/tools/tls/internal/provider"
)

func main() {
	prov, err := provider.New()
	if err == nil {
		err = p.RunProvider(context.Background(), provider.Name, provider.Version, prov)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-tls: %v\n", err)
		os.Exit(1)
	}
}
