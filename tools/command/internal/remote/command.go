// Package remote implements the resources of the command:remote module:
// Command and CopyToRemote.
package remote

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi-go-provider/infer"
	"golang.org/x/crypto/ssh"

	"pgsvc/tools/command/internal/cmdresource"
	"pgsvc/tools/command/internal/shenv"
)

// Command runs shell commands on a remote host over SSH (command:remote:Command).
// Its Create, Update and Delete come from cmdresource.Lifecycle.
type Command struct {
	cmdresource.Lifecycle[Logging, CommandArgs, CommandState, *CommandState]
}

// Annotate describes the resource in the schema.
func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(&c, "A command to run on a remote host. The connection is established via ssh.")
}

// CommandArgs are the inputs of a remote Command.
type CommandArgs struct {
	Connection Connection `pulumi:"connection" provider:"secret"`
	cmdresource.Args[Logging]
}

// Annotate describes the inputs of this module in the schema.
func (c *CommandArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.Connection, "The parameters with which to connect to the remote host.")
	a.Describe(&c.Environment, "Additional environment variables available to the command's process. "+
		"They are handed to the remote shell on standard input, so no AcceptEnv is needed.")
}

// CommandState is the state of a remote Command.
type CommandState struct {
	CommandArgs
	cmdresource.Outputs
}

// SetInputs replaces the inputs in s.
func (s *CommandState) SetInputs(args CommandArgs) { s.CommandArgs = args }

// WireDependencies: see cmdresource.WireDependencies.
func (*Command) WireDependencies(f infer.FieldSelector, args *CommandArgs, state *CommandState) {
	cmdresource.WireDependencies(f, args, &args.Args, &state.Args, &state.Outputs)
	f.OutputField(&state.Connection).DependsOn(f.InputField(&args.Connection))
}

// Run runs p in an SSH session on the connection's host, p's environment
// handed to the shell on standard input ahead of p's.
func (c *CommandArgs) Run(ctx context.Context, p cmdresource.Process) error {
	script, input, err := shenv.Wrap(p.Command, p.Env, p.Stdin)
	if err != nil {
		return cmdresource.NotRun(err)
	}
	client, err := dial(ctx, c.Connection)
	if err != nil {
		return cmdresource.NotRun(err)
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return cmdresource.NotRun(fmt.Errorf("opening an ssh session on %s: %w", client.RemoteAddr(), err))
	}
	defer session.Close()

	session.Stdin, session.Stdout, session.Stderr = input, p.Stdout, p.Stderr
	return runSession(ctx, session, script)
}

// runSession runs script in session, ending it when ctx is done.
func runSession(ctx context.Context, session *ssh.Session, script string) error {
	if err := session.Start(script); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- session.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		_ = session.Signal(ssh.SIGTERM)
		_ = session.Close()
		<-done
		return ctx.Err()
	}
}
