// Command pulumi is the toolchain's pulumi: it runs the upstream CLI, pulumi-upstream beside this
// executable, with the same arguments, and with PULUMI_SKIP_CHECKPOINTS=true for a dry run.
//
// The engine saves the whole snapshot after every step, so a run costs the square of the
// resource count. A dry run hands those saves to a persister that discards them, so skipping
// them loses nothing. An up, destroy or refresh keeps them: a run killed midway must leave in the
// state what it already did to the nodes (generated passwords and keys among it).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

const skipCheckpoints = "PULUMI_SKIP_CHECKPOINTS"

func main() {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	upstream := filepath.Join(filepath.Dir(self), "pulumi-upstream")
	env := os.Environ()
	if _, set := os.LookupEnv(skipCheckpoints); !set && dryRun(os.Args[1:]) {
		env = append(env, skipCheckpoints+"=true")
	}
	// argv[0] stays "pulumi": the CLI names its log files after it.
	fail(syscall.Exec(upstream, os.Args, env))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi: %v\n", err)
	os.Exit(1)
}
