// Package local implements command:local:Command, commands run on the machine
// that runs Pulumi.
package local

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"pgsvc/tools/command/internal/logmode"
	"pgsvc/tools/command/internal/procout"
	"pgsvc/tools/command/internal/redact"
)

// Names of the variables that carry the previous run's outputs.
const (
	envPreviousStdout = "PULUMI_COMMAND_STDOUT"
	envPreviousStderr = "PULUMI_COMMAND_STDERR"
)

// defaultInterpreter runs the command text, as upstream on Linux.
var defaultInterpreter = []string{"/bin/sh", "-c"}

// waitDelay bounds how long output pipes held open by a command's background
// children may delay the end of a run once the command itself has exited.
const waitDelay = 10 * time.Second

// Command runs commands locally (command:local:Command).
type Command struct{}

// Annotate describes the resource in the schema.
func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(&c, "A local command to be executed.")
}

// CommandArgs are the inputs of a local Command.
type CommandArgs struct {
	Environment            map[string]string `pulumi:"environment,optional"`
	Triggers               []any             `pulumi:"triggers,optional" provider:"replaceOnChanges"`
	Create                 *string           `pulumi:"create,optional"`
	Update                 *string           `pulumi:"update,optional"`
	Delete                 *string           `pulumi:"delete,optional"`
	Stdin                  *string           `pulumi:"stdin,optional"`
	Logging                *Logging          `pulumi:"logging,optional"`
	AddPreviousOutputInEnv *bool             `pulumi:"addPreviousOutputInEnv,optional"`
	Dir                    *string           `pulumi:"dir,optional"`
	Interpreter            []string          `pulumi:"interpreter,optional"`
}

// Annotate describes the inputs in the schema.
func (c *CommandArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.Environment, "Additional environment variables available to the command's process.")
	a.Describe(&c.Triggers, "Trigger a resource replacement on changes to any of these values.")
	a.Describe(&c.Create, "The command to run on create.")
	a.Describe(&c.Update, "The command to run on update, if empty, create will run again.")
	a.Describe(&c.Delete, "The command to run on delete.")
	a.Describe(&c.Stdin, "Pass a string to the command's process as standard in.")
	a.Describe(&c.Logging, "If the command's stdout and stderr should be logged. Defaults to both.")
	a.Describe(&c.AddPreviousOutputInEnv, "If the previous command's stdout and stderr are injected into "+
		"the environment of the next run as PULUMI_COMMAND_STDOUT and PULUMI_COMMAND_STDERR. Defaults to true.")
	a.SetDefault(&c.AddPreviousOutputInEnv, true)
	a.Describe(&c.Dir, "The directory from which to run the command. If it does not exist, the command fails.")
	a.Describe(&c.Interpreter, "The program and arguments to run the command. Defaults to [\"/bin/sh\", \"-c\"].")
}

// CommandState is the state of a local Command.
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

// unsupported are upstream inputs this build rejects rather than ignores.
var unsupported = []string{"assetPaths", "archivePaths"}

// Check rejects the upstream inputs this build does not implement.
func (*Command) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[CommandArgs], error) {
	var failures []p.CheckFailure
	inputs := req.NewInputs
	for _, name := range unsupported {
		if v, ok := inputs.GetOk(name); ok && !v.IsNull() {
			failures = append(failures, p.CheckFailure{
				Property: name,
				Reason:   name + " is not supported by this build of the command provider",
			})
			inputs = inputs.Delete(name)
		}
	}
	args, more, err := infer.DefaultCheck[CommandArgs](ctx, inputs)
	return infer.CheckResponse[CommandArgs]{Inputs: args, Failures: append(failures, more...)}, err
}

// WireDependencies: see remote.Command.WireDependencies.
func (*Command) WireDependencies(f infer.FieldSelector, args *CommandArgs, state *CommandState) {
	mirror := func(out, in any) { f.OutputField(out).DependsOn(f.InputField(in)) }
	mirror(&state.Environment, &args.Environment)
	mirror(&state.Triggers, &args.Triggers)
	mirror(&state.Create, &args.Create)
	mirror(&state.Update, &args.Update)
	mirror(&state.Delete, &args.Delete)
	mirror(&state.Stdin, &args.Stdin)
	mirror(&state.Logging, &args.Logging)
	mirror(&state.AddPreviousOutputInEnv, &args.AddPreviousOutputInEnv)
	mirror(&state.Dir, &args.Dir)
	mirror(&state.Interpreter, &args.Interpreter)

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

// run runs command through the interpreter and records its outputs in s. The
// previous outputs in s are handed to the command first, if asked.
func (s *CommandState) run(ctx context.Context, op, command string) error {
	logStdout, logStderr, err := logmode.Streams(s.Logging)
	if err != nil {
		return err
	}
	interpreter := s.Interpreter
	if len(interpreter) == 0 {
		interpreter = defaultInterpreter
	}
	args := append(append([]string{}, interpreter[1:]...), command)
	cmd := exec.CommandContext(ctx, interpreter[0], args...)
	cmd.WaitDelay = waitDelay
	if s.Dir != nil {
		cmd.Dir = *s.Dir
	}
	cmd.Env = os.Environ()
	for k, v := range s.Environment {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if s.AddPreviousOutputInEnv == nil || *s.AddPreviousOutputInEnv {
		if s.Stdout != "" {
			cmd.Env = append(cmd.Env, envPreviousStdout+"="+s.Stdout)
		}
		if s.Stderr != "" {
			cmd.Env = append(cmd.Env, envPreviousStderr+"="+s.Stderr)
		}
	}
	var stdin io.Reader
	if s.Stdin != nil && *s.Stdin != "" {
		stdin = strings.NewReader(*s.Stdin)
	}
	cmd.Stdin = stdin

	log, red := p.GetLogger(ctx), redact.FromContext(ctx)
	capture := procout.New(func(line string) { log.Info(red.String(line)) }, logStdout, logStderr)
	cmd.Stdout = capture.Stdout()
	cmd.Stderr = capture.Stderr()
	runErr := cmd.Run()
	stdout, stderr := capture.Finish()
	if runErr != nil {
		return procout.Failure(op, runErr, stdout, stderr)
	}
	s.Stdout, s.Stderr = stdout, stderr
	return nil
}
