// Command pulumi-language-go is pgsvc's language host for Go Pulumi programs. The engine starts it
// with its own address as the last argument and reads the port to dial from its first output line.
package main

import (
	"fmt"
	"os"

	"pgsvc/tools/cli/languagehost"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is set at build time to the toolchain's Pulumi version.
var version = "dev"

func main() {
	// The engine may put logging and tracing flags first; its address is always last.
	engine := ""
	if len(os.Args) > 1 {
		engine = os.Args[len(os.Args)-1]
	}
	host := languagehost.New(engine, version, os.Stdout, os.Stderr)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-go: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-go: %v\n", err)
		os.Exit(1)
	}
}
