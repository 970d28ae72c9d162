// Package cmdresource holds what command:local:Command and
// command:remote:Command share: their common inputs and outputs, how those
// flow in a preview, and the create/update/delete lifecycle with its
// environment, standard input and output logging. Each resource package adds
// only where a command runs (a local process, an SSH session) and its own
// inputs.
package cmdresource

import "github.com/pulumi/pulumi-go-provider/infer"

// Args are the inputs every command resource has. L is the module's Logging
// enum, whose schema token comes from its Go package. The resource package
// describes Environment itself, as the wording differs.
type Args[L ~string] struct {
	Environment            map[string]string `pulumi:"environment,optional"`
	Triggers               []any             `pulumi:"triggers,optional" provider:"replaceOnChanges"`
	Create                 *string           `pulumi:"create,optional"`
	Update                 *string           `pulumi:"update,optional"`
	Delete                 *string           `pulumi:"delete,optional"`
	Stdin                  *string           `pulumi:"stdin,optional"`
	Logging                *L                `pulumi:"logging,optional"`
	AddPreviousOutputInEnv *bool             `pulumi:"addPreviousOutputInEnv,optional"`
}

// Annotate describes the inputs in the schema.
func (c *Args[L]) Annotate(a infer.Annotator) {
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

func (c *Args[L]) args() *Args[L] { return c }

// Outputs are the outputs of the last run of a command resource.
type Outputs struct {
	Stdout string `pulumi:"stdout"`
	Stderr string `pulumi:"stderr"`
}

// Annotate describes the outputs in the schema.
func (c *Outputs) Annotate(a infer.Annotator) {
	a.Describe(&c.Stdout, "The standard output of the command's process")
	a.Describe(&c.Stderr, "The standard error of the command's process")
}

func (c *Outputs) outputs() *Outputs { return c }

// WireDependencies makes each shared output that mirrors an input follow it,
// and makes stdout and stderr unknown in a preview of any change to all (the
// resource's whole inputs: the command will run again) and secret when the
// command text, its input or environment is. The resource package mirrors its
// own inputs.
func WireDependencies[L ~string](f infer.FieldSelector, all any, args, state *Args[L], out *Outputs) {
	mirror := func(out, in any) { f.OutputField(out).DependsOn(f.InputField(in)) }
	mirror(&state.Environment, &args.Environment)
	mirror(&state.Triggers, &args.Triggers)
	mirror(&state.Create, &args.Create)
	mirror(&state.Update, &args.Update)
	mirror(&state.Delete, &args.Delete)
	mirror(&state.Stdin, &args.Stdin)
	mirror(&state.Logging, &args.Logging)
	mirror(&state.AddPreviousOutputInEnv, &args.AddPreviousOutputInEnv)

	rerun := []infer.InputField{
		f.InputField(all).Computed(),
		f.InputField(&args.Create).Secret(),
		f.InputField(&args.Update).Secret(),
		f.InputField(&args.Stdin).Secret(),
		f.InputField(&args.Environment).Secret(),
	}
	f.OutputField(&out.Stdout).DependsOn(rerun...)
	f.OutputField(&out.Stderr).DependsOn(rerun...)
}
