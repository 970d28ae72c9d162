// Command pgsvc-check connects to every cluster of a deployed stack through every host form and
// port, and prints where each connection landed. It exits 1 when any connection is refused or routed wrongly.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"

	"pgsvc/check"
	"pgsvc/stacks"
)

func main() {
	stack := flag.String("stack", "dev", "the Pulumi stack to check")
	pulumi := flag.String("pulumi", "pulumi", "the Pulumi CLI")
	flag.Parse()
	if err := run(*stack, *pulumi); err != nil {
		fmt.Fprintln(os.Stderr, "pgsvc-check:", err)
		os.Exit(1)
	}
}

func run(stack, pulumi string) error {
	raw, err := pulumiOutput(pulumi, "config", "--json", "--stack", stack)
	if err != nil {
		return err
	}
	spec, err := stacks.LoadConfigJSON(raw)
	if err != nil {
		return err
	}
	var outs struct {
		CACert   string `json:"caCert"`
		Clusters map[string]struct {
			UserPasswords check.Credentials `json:"userPasswords"`
		} `json:"clusters"`
	}
	raw, err = pulumiOutput(pulumi, "stack", "output", "--json", "--show-secrets", "--stack", stack)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &outs); err != nil {
		return fmt.Errorf("reading stack outputs: %w", err)
	}
	rest, err := check.RESTClient([]byte(outs.CACert))
	if err != nil {
		return fmt.Errorf("stack output caCert: %w", err)
	}
	ctx := context.Background()
	var routes []check.Route
	astray := 0
	for i := range spec.Clusters {
		c := &spec.Clusters[i]
		routes = append(routes, check.Plan(c, check.ReadState(ctx, c, rest), check.HostForms(c, len(spec.Infra) > 0), outs.Clusters[c.Name].UserPasswords)...)
		for _, m := range check.ReadMembers(ctx, c, rest) {
			verdict := "under Patroni"
			if !m.UnderPatroni() {
				verdict, astray = "NOT UNDER PATRONI", astray+1
			}
			fmt.Printf("%s: %s\n", m, verdict)
		}
	}
	var resolver *net.Resolver // the system's, when there is no infra node
	if len(spec.Infra) > 0 {
		resolver = check.Resolver(spec.Infra[0].IP)
	}
	check.Run(ctx, routes, resolver)
	if bad := check.Report(os.Stdout, routes); bad > 0 {
		return fmt.Errorf("%d of %d connections failed or landed on the wrong member", bad, len(routes))
	}
	if astray > 0 {
		return fmt.Errorf("%d member(s) run PostgreSQL outside Patroni", astray)
	}
	return nil
}

func pulumiOutput(pulumi string, args ...string) ([]byte, error) {
	out, err := exec.Command(pulumi, args...).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return nil, fmt.Errorf("pulumi %v: %v: %s", args, err, ee.Stderr)
	}
	return out, err
}
