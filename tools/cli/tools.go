//go:build tools

// Package tools pins the Pulumi CLI so `go build` finds it in this module's graph.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
