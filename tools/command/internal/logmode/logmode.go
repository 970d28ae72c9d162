// Package logmode interprets the `logging` input of the command resources.
// Each module (local, remote) declares its own Logging enum type, since the
// schema token of an enum comes from its Go package.
package logmode

import (
	"fmt"

	"github.com/pulumi/pulumi-go-provider/infer"
)

// The values of `logging`, as in pulumi-command.
const (
	Stdout          = "stdout"
	Stderr          = "stderr"
	StdoutAndStderr = "stdoutAndStderr"
	None            = "none"
)

// Values lists the enum values for a module's Logging type.
func Values[T ~string]() []infer.EnumValue[T] {
	return []infer.EnumValue[T]{
		{Name: "Stdout", Value: Stdout, Description: "Capture stdout in logs but not stderr"},
		{Name: "Stderr", Value: Stderr, Description: "Capture stderr in logs but not stdout"},
		{Name: "StdoutAndStderr", Value: StdoutAndStderr, Description: "Capture stdout and stderr in logs"},
		{Name: "None", Value: None, Description: "Capture no logs"},
	}
}

// Streams tells which output streams mode logs; an unset mode logs both.
func Streams[T ~string](mode *T) (stdout, stderr bool, err error) {
	if mode == nil {
		return true, true, nil
	}
	switch string(*mode) {
	case Stdout:
		return true, false, nil
	case Stderr:
		return false, true, nil
	case StdoutAndStderr:
		return true, true, nil
	case None:
		return false, false, nil
	}
	return false, false, fmt.Errorf("logging: unknown value %q (expected %s, %s, %s or %s)",
		string(*mode), Stdout, Stderr, StdoutAndStderr, None)
}
