// Command pgsvc is the Pulumi program: it loads the stack's typed config and deploys the cluster.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/components"
	"pgsvc/stacks"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		spec, err := stacks.Load(ctx.GetConfig)
		if err != nil {
			return fmt.Errorf("invalid stack config:\n%w", err)
		}
		key, err := os.ReadFile(spec.SSH.PrivateKeyFile)
		if err != nil {
			return fmt.Errorf("%s.privateKeyFile = %q: %w", stacks.KeySSH, spec.SSH.PrivateKeyFile, err)
		}
		cluster, err := components.NewPgCluster(ctx, spec.Cluster.Name, &components.PgClusterArgs{
			Spec: spec, PrivateKey: pulumi.ToSecret(pulumi.String(key)).(pulumi.StringOutput),
		})
		if err != nil {
			return err
		}
		ctx.Export("serviceUrls", cluster.ServiceURLs)
		ctx.Export("userPasswords", cluster.UserPasswords)
		ctx.Export("statsUrl", cluster.StatsURL)
		ctx.Export("statsAuth", cluster.StatsAuth)
		ctx.Export("vip", pulumi.String(spec.Cluster.VIP.Address))
		return nil
	})
}
