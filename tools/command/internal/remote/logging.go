package remote

import (
	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/command/internal/logmode"
)

// Logging selects the output streams that are logged (token command:remote:Logging).
type Logging string

// Values lists the allowed values of Logging.
func (Logging) Values() []infer.EnumValue[Logging] { return logmode.Values[Logging]() }
