// Command pgsvc is the Pulumi program: it loads the stack's typed config and deploys the
// environment and its clusters.
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
		d, err := components.Deploy(ctx, spec, pulumi.ToSecret(pulumi.String(key)).(pulumi.StringOutput))
		if err != nil {
			return err
		}
		outputs := pulumi.Map{}
		for i := range spec.Clusters {
			c := &spec.Clusters[i]
			pc := d.Clusters[c.Name]
			outputs[c.Name] = pulumi.Map{
				"serviceUrls": pc.ServiceURLs, "userPasswords": pc.UserPasswords,
				"statsUrl": pc.StatsURL, "statsAuth": pc.StatsAuth, "vip": pulumi.String(c.VIP.Address),
			}
		}
		ctx.Export("clusters", outputs)
		ctx.Export("caCert", d.CACert)
		return nil
	})
}
