// Command smoke is the smallest Pulumi program that exercises the toolchain: config, secrets,
// outputs and a deliberate program error.
package main

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		if msg := cfg.Get("fail"); msg != "" {
			return errors.New(msg)
		}
		ctx.Export("greeting", pulumi.String("hello "+cfg.Require("name")))
		ctx.Export("token", cfg.RequireSecret("token"))
		return nil
	})
}
