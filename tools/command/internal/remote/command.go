// Package remote implements the resources of the command:remote module:
// Command, CopyToRemote and CopyFile.
package remote

import (
	"context"
	"fmt"
	"io"
	"maps"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"golang.org/x/crypto/ssh"

	"pgsvc/tools/command/internal/logmode"
	"pgsvc/tools/command/internal/procout"
	"pgsvc/tools/command/internal/redact"
	"pgsvc/tools/command/internal/shenv"
)

// Names of the variables that carry the previous run's outputs.
const (
	envPreviousStdout = "PULUMI_COMMAND_STDOUT"
	envPreviousStderr = "PULUMI_COMMAND_STDERR"
)

// Command runs shell commands on a remote host over SSH (command:remote:Command).
type Command struct{}

// Annotate describes the resource in the schema.
func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(&c, "A command to run on a remote host. The connection is established via ssh.")
}

// CommandArgs are the inputs of a remote Command.
type CommandArgs struct {
	Connection             Connection        `pulumi:"connection" provider:"secret"`
	Environment            map[string]string `pulumi:"environment,optional"`
	Triggers               []any             `pulumi:"triggers,optional" provider:"replaceOnChanges"`
	Create                 *string           `pulumi:"create,optional"`
	Update                 *string           `pulumi:"update,optional"`
	Delete                 *string           `pulumi:"delete,optional"`
	Stdin                  *string           `pulumi:"stdin,optional"`
	Logging                *Logging          `pulumi:"logging,optional"`
	AddPreviousOutputInEnv *bool             `pulumi:"addPreviousOutputInEnv,optional"`
}

// Annotate describes the inputs in the schema.
func (c *CommandArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.Connection, "The parameters with which to connect to the remote host.")
	a.Describe(&c.Environment, "Additional environment variables available to the command's process. "+
		"They are handed to the remote shell on standard input, so no AcceptEnv is needed.")
	a.Describe(&c.Triggers, "Trigger a resource replacement on changes to any of these values.")
	a.Describe(&c.Create, "The command to run on create.")
	a.Describe(&c.Update, "The command to run on update, if empty, create will run again.")
	a.Describe(&c.Delete, "The command to run on delete.")
	a.Describe(&c.Stdin, "Pass a string to the command's process as standard in.")
	a.Describe(&c.Logging, "If the command's stdout and stderr should be logged. Defaults to both.")
	a.Describe(&c.AddPreviousOutputInEnv, "If the previous command's stdout and stderr are injected into "+
		"the environment of the next run as PULUMI_COMMAND_STDOUT and PULUMI_COMMAND_STDERR. Defaults to true.")
	a.SetDefault(&c.AddPreviousOutputInEnv, true)
}

// CommandState is the state of a remote Command.
type CommandState struct {
	CommandArgs
	Stdout string `pulumi:"stdout"`
	Stderr string `pulumi:"stderr"`
}

// Annotate describes the outputs in the schema.
func (c *CommandState) Annotate(a infer.Annotator) {
	a.Describe(&c.Stdout, "The standard output of the command's process")
	a.Describe(&c.Stderr, "The standard error of the command's process")
}

// WireDependencies makes each input-mirroring output follow its input, and
// makes stdout and stderr unknown in a preview of any change (the command will
// run again) and secret when the command text, its input or environment is.
func (*Command) WireDependencies(f infer.FieldSelector, args *CommandArgs, state *CommandState) {
	mirror := func(out, in any) { f.OutputField(out).DependsOn(f.InputField(in)) }
	mirror(&state.Connection, &args.Connection)
	mirror(&state.Environment, &args.Environment)
	mirror(&state.Triggers, &args.Triggers)
	mirror(&state.Create, &args.Create)
	mirror(&state.Update, &args.Update)
	mirror(&state.Delete, &args.Delete)
	mirror(&state.Stdin, &args.Stdin)
	mirror(&state.Logging, &args.Logging)
	mirror(&state.AddPreviousOutputInEnv, &args.AddPreviousOutputInEnv)

	rerun := []infer.InputField{
		f.InputField(args).Computed(),
		f.InputField(&args.Create).Secret(),
		f.InputField(&args.Update).Secret(),
		f.InputField(&args.Stdin).Secret(),
		f.InputField(&args.Environment).Secret(),
	}
	f.OutputField(&state.Stdout).DependsOn(rerun...)
	f.OutputField(&state.Stderr).DependsOn(rerun...)
}

// Create runs the create command, if any.
func (*Command) Create(
	ctx context.Context, req infer.CreateRequest[CommandArgs],
) (infer.CreateResponse[CommandState], error) {
	state := CommandState{CommandArgs: req.Inputs}
	id, err := resource.NewUniqueHex(req.Name, 8, 0)
	if err != nil {
		return infer.CreateResponse[CommandState]{}, err
	}
	if !req.DryRun && state.Create != nil {
		if err := state.run(ctx, "create", *state.Create); err != nil {
			return infer.CreateResponse[CommandState]{}, err
		}
	}
	return infer.CreateResponse[CommandState]{ID: id, Output: state}, nil
}

// Update runs the update command, or the create command when there is none.
func (*Command) Update(
	ctx context.Context, req infer.UpdateRequest[CommandArgs, CommandState],
) (infer.UpdateResponse[CommandState], error) {
	state := CommandState{CommandArgs: req.Inputs, Stdout: req.State.Stdout, Stderr: req.State.Stderr}
	command := state.Update
	if command == nil {
		command = state.Create
	}
	if !req.DryRun && command != nil {
		if err := state.run(ctx, "update", *command); err != nil {
			return infer.UpdateResponse[CommandState]{}, err
		}
	}
	return infer.UpdateResponse[CommandState]{Output: state}, nil
}

// Delete runs the delete command, if any.
func (*Command) Delete(ctx context.Context, req infer.DeleteRequest[CommandState]) (infer.DeleteResponse, error) {
	state := req.State
	if state.Delete == nil {
		return infer.DeleteResponse{}, nil
	}
	return infer.DeleteResponse{}, state.run(ctx, "delete", *state.Delete)
}

// run runs command on the remote host and records its outputs in s. The
// previous outputs in s are handed to the command first, if asked.
func (s *CommandState) run(ctx context.Context, op, command string) error {
	logStdout, logStderr, err := logmode.Streams(s.Logging)
	if err != nil {
		return err
	}
	env := maps.Clone(s.Environment)
	if s.AddPreviousOutputInEnv == nil || *s.AddPreviousOutputInEnv {
		if env == nil {
			env = map[string]string{}
		}
		if s.Stdout != "" {
			env[envPreviousStdout] = s.Stdout
		}
		if s.Stderr != "" {
			env[envPreviousStderr] = s.Stderr
		}
	}
	var stdin io.Reader
	if s.Stdin != nil && *s.Stdin != "" {
		stdin = strings.NewReader(*s.Stdin)
	}
	script, input, err := shenv.Wrap(command, env, stdin)
	if err != nil {
		return err
	}

	client, err := dial(ctx, s.Connection)
	if err != nil {
		return err
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return fmt.Errorf("opening an ssh session on %s: %w", client.RemoteAddr(), err)
	}
	defer session.Close()

	log, red := p.GetLogger(ctx), redact.FromContext(ctx)
	capture := procout.New(func(line string) { log.Info(red.String(line)) }, logStdout, logStderr)
	session.Stdin = input
	session.Stdout = capture.Stdout()
	session.Stderr = capture.Stderr()
	runErr := runSession(ctx, session, script)
	stdout, stderr := capture.Finish()
	if runErr != nil {
		return procout.Failure(op, runErr, stdout, stderr)
	}
	s.Stdout, s.Stderr = stdout, stderr
	return nil
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
