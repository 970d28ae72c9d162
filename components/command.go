package components

import (
	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Conn is how a component reaches its node.
type Conn struct {
	Node, IP string
	Args     remote.ConnectionArgs
}

// NewConn is the SSH connection to one node; the key stays a secret.
func NewConn(node, ip, user string, port int, privateKey pulumi.StringInput) Conn {
	return Conn{Node: node, IP: ip, Args: remote.ConnectionArgs{
		Host:           pulumi.String(ip),
		Port:           pulumi.Float64(float64(port)),
		User:           pulumi.String(user),
		PrivateKey:     pulumi.ToSecret(privateKey).(pulumi.StringOutput),
		DialErrorLimit: pulumi.Int(5),
		PerDialTimeout: pulumi.Int(10),
	}}
}

// step is one remote command.
type step struct {
	Create   string
	Delete   string
	Stdin    pulumi.StringInput
	Triggers pulumi.Array
}

// run registers a remote command under parent; it runs after deps.
func run(ctx *pulumi.Context, name string, conn Conn, s step, parent pulumi.Resource, deps []pulumi.Resource, opts ...pulumi.ResourceOption) (*remote.Command, error) {
	args := &remote.CommandArgs{
		Connection: conn.Args,
		Create:     pulumi.String("set -eu\n" + s.Create),
		Triggers:   s.Triggers,
		Logging:    remote.LoggingStderr.ToLoggingPtrOutput(),
	}
	if s.Delete != "" {
		args.Delete = pulumi.String("set -eu\n" + s.Delete)
	}
	if s.Stdin != nil {
		args.Stdin = s.Stdin
	}
	return remote.NewCommand(ctx, name, args, append([]pulumi.ResourceOption{pulumi.Parent(parent), pulumi.DependsOn(deps)}, opts...)...)
}
