// Command smoke is a small Pulumi program that exercises the toolchain: config and secrets,
// outputs, a program error, the random plugin, and local and remote commands.
package main

import (
	"errors"
	"os"
	"strings"

	"github.com/pulumi/pulumi-command/sdk/go/command/local"
	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
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

		pw, err := random.NewRandomPassword(ctx, "pw", &random.RandomPasswordArgs{
			Length: pulumi.Int(24), Special: pulumi.Bool(false),
			Keepers: pulumi.StringMap{"rotation": pulumi.String(cfg.Get("rotation"))},
		})
		if err != nil {
			return err
		}
		ctx.Export("password", pw.Result)

		marker := cfg.Require("marker")
		loc, err := local.NewCommand(ctx, "local", &local.CommandArgs{
			Create:      pulumi.String(`echo "created $WHO" >> "$MARKER"; echo "hello $WHO"`),
			Delete:      pulumi.String(`echo "deleted $WHO" >> "$MARKER"`),
			Environment: pulumi.StringMap{"WHO": pulumi.String(cfg.Require("name")), "MARKER": pulumi.String(marker)},
			Triggers:    pulumi.Array{pulumi.String(cfg.Get("localTrigger"))},
		})
		if err != nil {
			return err
		}
		ctx.Export("localStdout", loc.Stdout)

		host := cfg.Get("sshHost")
		if host == "" {
			return nil
		}
		key, err := os.ReadFile(cfg.Require("sshKeyFile"))
		if err != nil {
			return err
		}
		conn := remote.ConnectionArgs{Host: pulumi.String(host), User: pulumi.String("root"),
			PrivateKey: pulumi.ToSecret(pulumi.String(key)).(pulumi.StringOutput)}
		copied, err := remote.NewCopyToRemote(ctx, "copy", &remote.CopyToRemoteArgs{
			Connection: conn,
			// A trailing slash copies the directory's contents rather than the directory itself.
			Source:     pulumi.NewFileArchive(strings.TrimSuffix(cfg.Require("copyDir"), "/") + "/"),
			RemotePath: pulumi.String("/tmp/pgsvc-smoke-copy"),
		})
		if err != nil {
			return err
		}
		rem, err := remote.NewCommand(ctx, "remote", &remote.CommandArgs{
			Connection: conn,
			Create:     pulumi.String(`umask 077; cat > /tmp/pgsvc-smoke-secret; ls /tmp/pgsvc-smoke-copy; echo "from $(hostname)"`),
			Delete:     pulumi.String(`rm -rf /tmp/pgsvc-smoke-secret /tmp/pgsvc-smoke-copy`),
			Stdin:      pw.Result,
		}, pulumi.DependsOn([]pulumi.Resource{copied}))
		if err != nil {
			return err
		}
		ctx.Export("remoteStdout", rem.Stdout)
		return nil
	})
}
