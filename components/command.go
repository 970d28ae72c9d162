package components

import (
	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
)

// Conn is how a component reaches its node.
type Conn struct {
	Node, IP string
	// Sudo is set when the login is not root: commands then run as root through sudo.
	Sudo bool
	Args remote.ConnectionArgs
}

// NewConn is the SSH connection to one node; the key stays a secret.
func NewConn(node, ip, user string, port int, privateKey pulumi.StringInput) Conn {
	return Conn{Node: node, IP: ip, Sudo: user != "root", Args: remote.ConnectionArgs{
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
	// AsLogin runs the command as the SSH login even when that is not root.
	AsLogin bool
}

// run registers a remote command under parent; it runs after deps.
func run(ctx *pulumi.Context, name string, conn Conn, s step, parent pulumi.Resource, deps []pulumi.Resource, opts ...pulumi.ResourceOption) (*remote.Command, error) {
	script := func(body string) pulumi.String {
		body = render.Strict + body
		if conn.Sudo && !s.AsLogin {
			body = render.AsRoot(body)
		}
		return pulumi.String(body)
	}
	args := &remote.CommandArgs{
		Connection: conn.Args,
		Create:     script(s.Create),
		Triggers:   s.Triggers,
		Logging:    remote.LoggingStderr.ToLoggingPtrOutput(),
	}
	if s.Delete != "" {
		args.Delete = script(s.Delete)
	}
	if s.Stdin != nil {
		args.Stdin = s.Stdin
	}
	return remote.NewCommand(ctx, name, args, append([]pulumi.ResourceOption{pulumi.Parent(parent), pulumi.DependsOn(deps)}, opts...)...)
}
