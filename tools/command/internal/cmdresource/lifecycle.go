package cmdresource

import (
	"context"
	"errors"
	"io"
	"maps"
	"strings"

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

// Process is one run of a command, as a Runner gets it.
type Process struct {
	Command string
	// Env is the resource's environment plus, when asked for, the previous
	// outputs; it may be nil.
	Env            map[string]string
	Stdin          io.Reader // nil when there is no input
	Stdout, Stderr io.Writer
}

// Runner runs the commands of one kind of command resource.
type Runner interface {
	// Run runs p and returns when it has ended, its output written. An error
	// that kept the command from running is to be wrapped with NotRun.
	Run(ctx context.Context, p Process) error
}

// NotRun marks err as one that kept a command from running (an unreachable
// host, say): it is returned as it is, not worded as the command's failure.
func NotRun(err error) error { return notRun{err} }

type notRun struct{ err error }

func (e notRun) Error() string { return e.err.Error() }
func (e notRun) Unwrap() error { return e.err }

// Lifecycle gives a command resource its Create, Update and Delete, which run
// its commands; the resource type embeds it. A is the resource's inputs, which
// embed Args; S is its state, which embeds A and Outputs; PS is *S.
type Lifecycle[L ~string, A, S any, PS state[L, A, S]] struct{}

// state is what Lifecycle needs of a state S: the shared inputs and the
// outputs (from the embedded Args and Outputs), a way to set the inputs, and
// the Runner of the resource.
type state[L ~string, A, S any] interface {
	*S
	args() *Args[L]
	outputs() *Outputs
	// SetInputs replaces the inputs held in the state.
	SetInputs(A)
	Runner
}

// Create runs the create command, if any and not in a preview.
func (Lifecycle[L, A, S, PS]) Create(
	ctx context.Context, req infer.CreateRequest[A],
) (infer.CreateResponse[S], error) {
	var s S
	ps := PS(&s)
	ps.SetInputs(req.Inputs)
	id, err := resource.NewUniqueHex(req.Name, 8, 0)
	if err != nil {
		return infer.CreateResponse[S]{}, err
	}
	if create := ps.args().Create; !req.DryRun && create != nil {
		if err := run(ctx, ps.args(), ps.outputs(), ps, "create", *create); err != nil {
			return infer.CreateResponse[S]{}, err
		}
	}
	return infer.CreateResponse[S]{ID: id, Output: s}, nil
}

// Update runs the update command, or the create command when there is none,
// unless in a preview. The command gets the outputs of the previous run, and
// the state keeps them when nothing runs.
func (Lifecycle[L, A, S, PS]) Update(
	ctx context.Context, req infer.UpdateRequest[A, S],
) (infer.UpdateResponse[S], error) {
	var s S
	ps := PS(&s)
	ps.SetInputs(req.Inputs)
	*ps.outputs() = *PS(&req.State).outputs()
	command := ps.args().Update
	if command == nil {
		command = ps.args().Create
	}
	if !req.DryRun && command != nil {
		if err := run(ctx, ps.args(), ps.outputs(), ps, "update", *command); err != nil {
			return infer.UpdateResponse[S]{}, err
		}
	}
	return infer.UpdateResponse[S]{Output: s}, nil
}

// Delete runs the delete command, if any.
func (Lifecycle[L, A, S, PS]) Delete(ctx context.Context, req infer.DeleteRequest[S]) (infer.DeleteResponse, error) {
	ps := PS(&req.State)
	if ps.args().Delete == nil {
		return infer.DeleteResponse{}, nil
	}
	return infer.DeleteResponse{}, run(ctx, ps.args(), ps.outputs(), ps, "delete", *ps.args().Delete)
}

// run runs command as op ("create", "update", "delete") with r and records
// its outputs in out. The previous outputs in out are handed to the command
// first, if asked.
func run[L ~string](ctx context.Context, args *Args[L], out *Outputs, r Runner, op, command string) error {
	logStdout, logStderr, err := logmode.Streams(args.Logging)
	if err != nil {
		return err
	}
	env := maps.Clone(args.Environment)
	if args.AddPreviousOutputInEnv == nil || *args.AddPreviousOutputInEnv {
		if env == nil {
			env = map[string]string{}
		}
		if out.Stdout != "" {
			env[envPreviousStdout] = out.Stdout
		}
		if out.Stderr != "" {
			env[envPreviousStderr] = out.Stderr
		}
	}
	var stdin io.Reader
	if args.Stdin != nil && *args.Stdin != "" {
		stdin = strings.NewReader(*args.Stdin)
	}

	log, red := p.GetLogger(ctx), redact.FromContext(ctx)
	capture := procout.New(func(line string) { log.Info(red.String(line)) }, logStdout, logStderr)
	runErr := r.Run(ctx, Process{
		Command: command, Env: env, Stdin: stdin, Stdout: capture.Stdout(), Stderr: capture.Stderr(),
	})
	var setup notRun
	if errors.As(runErr, &setup) {
		return setup.err
	}
	stdout, stderr := capture.Finish()
	if runErr != nil {
		return procout.Failure(op, runErr, stdout, stderr)
	}
	out.Stdout, out.Stderr = stdout, stderr
	return nil
}
