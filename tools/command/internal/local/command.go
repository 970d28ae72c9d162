// Package local implements command:local:Command, commands run on the machine
// that runs Pulumi.
package local

import (
	"context"
	"os"
	"os/exec"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/command/internal/cmdresource"
)

// defaultInterpreter runs the command text, as upstream on Linux.
var defaultInterpreter = []string{"/bin/sh", "-c"}

// waitDelay bounds how long output pipes held open by a command's background
// children may delay the end of a run once the command itself has exited.
const waitDelay = 10 * time.Second

// Command runs commands locally (command:local:Command).
// Its Create, Update and Delete come from cmdresource.Lifecycle.
type Command struct {
	cmdresource.Lifecycle[Logging, CommandArgs, CommandState, *CommandState]
}

// Annotate describes the resource in the schema.
func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(&c, "A local command to be executed.")
}

// CommandArgs are the inputs of a local Command.
type CommandArgs struct {
	cmdresource.Args[Logging]
	Dir         *string  `pulumi:"dir,optional"`
	Interpreter []string `pulumi:"interpreter,optional"`
}

// Annotate describes the inputs of this module in the schema.
func (c *CommandArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.Environment, "Additional environment variables available to the command's process.")
	a.Describe(&c.Dir, "The directory from which to run the command. If it does not exist, the command fails.")
	a.Describe(&c.Interpreter, "The program and arguments to run the command. Defaults to [\"/bin/sh\", \"-c\"].")
}

// CommandState is the state of a local Command.
type CommandState struct {
	CommandArgs
	cmdresource.Outputs
}

// SetInputs replaces the inputs in s.
func (s *CommandState) SetInputs(args CommandArgs) { s.CommandArgs = args }

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

// WireDependencies: see cmdresource.WireDependencies.
func (*Command) WireDependencies(f infer.FieldSelector, args *CommandArgs, state *CommandState) {
	cmdresource.WireDependencies(f, args, &args.Args, &state.Args, &state.Outputs)
	f.OutputField(&state.Dir).DependsOn(f.InputField(&args.Dir))
	f.OutputField(&state.Interpreter).DependsOn(f.InputField(&args.Interpreter))
}

// Run runs p through the interpreter, in Dir when set, with the provider's
// environment plus p's.
func (c *CommandArgs) Run(ctx context.Context, p cmdresource.Process) error {
	interpreter := c.Interpreter
	if len(interpreter) == 0 {
		interpreter = defaultInterpreter
	}
	args := append(append([]string{}, interpreter[1:]...), p.Command)
	cmd := exec.CommandContext(ctx, interpreter[0], args...)
	cmd.WaitDelay = waitDelay
	if c.Dir != nil {
		cmd.Dir = *c.Dir
	}
	cmd.Env = os.Environ()
	for k, v := range p.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p.Stdin, p.Stdout, p.Stderr
	return cmd.Run()
}
