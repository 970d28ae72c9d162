// Package lab_test boots the local lab (lab/lab up) and checks every node over SSH:
// identity, a booted system, its address on the bridge and nothing beyond it.
// It needs root and PGSVC_E2E=1, which make test sets.
package lab_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"pgsvc/tests/cli"
	"pgsvc/tests/lab"
)

// needLab skips a test that would boot lab nodes unless it runs as root with PGSVC_E2E=1.
func needLab(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the lab needs root")
	}
	if !cli.E2E() {
		t.Skip("set PGSVC_E2E=1 to boot the lab")
	}
}

func TestNodesAnswerSSH(t *testing.T) {
	needLab(t)
	lab.Run(t, "up")
	if key := strings.TrimSpace(lab.Run(t, "key")); key != lab.Key {
		t.Fatalf("lab key = %q, want %s", key, lab.Key)
	}

	for _, n := range lab.Nodes {
		var peers []string
		for _, p := range lab.Nodes {
			if p.IP != n.IP {
				peers = append(peers, p.IP)
			}
		}
		checks := []struct {
			name       string
			cmd        string
			ignoreExit bool // the answer is in the output, not the exit status
			ok         func(out string) bool
		}{
			{"hostname", "hostname", false, func(out string) bool { return out == n.Name }},
			{"system booted", "systemctl is-system-running", true,
				func(out string) bool { return out == "running" || out == "degraded" }},
			{"address on host0", "ip -4 -o addr show dev host0", false,
				func(out string) bool { return strings.Contains(out, fmt.Sprintf(" inet %s/%d ", n.IP, lab.PrefixLen)) }},
			{"no default route", "ip route show default", false, func(out string) bool { return out == "" }},
			{"peers reachable",
				"for ip in " + strings.Join(peers, " ") + "; do ping -c1 -W2 $ip >/dev/null || echo $ip; done",
				false, func(out string) bool { return out == "" }},
			{"apt proxy reachable",
				fmt.Sprintf("python3 -c 'import socket; socket.create_connection((%q, %d), 3); print(\"ok\")'",
					lab.HostIP, lab.Ports.AptProxy),
				false, func(out string) bool { return out == "ok" }},
		}
		t.Run(n.Name, func(t *testing.T) {
			for _, c := range checks {
				out, err := lab.SSH(n.IP, c.cmd)
				out = strings.TrimSpace(out)
				if err != nil && !c.ignoreExit {
					t.Errorf("%s: %q: %v\n%s", c.name, c.cmd, err, out)
					continue
				}
				if !c.ok(out) {
					t.Errorf("%s: %q printed %q", c.name, c.cmd, out)
				}
			}
		})
	}
}

// TestStartUnderLoad starts and powers off an on-demand node a few times while every core is
// busy, as in CI where test packages and deployments share the host: a start must not take a
// supervisor that is still on its way to running for one that failed.
func TestStartUnderLoad(t *testing.T) {
	needLab(t)
	node := lab.Solo1.Name
	// A fresh disk: one left by another test could boot daemons of a cluster that has gone.
	lab.Run(t, "wipe", node)
	t.Cleanup(func() { lab.Run(t, "wipe", node) })
	stop := make(chan struct{})
	var spinners sync.WaitGroup
	for i := 0; i < runtime.NumCPU(); i++ {
		spinners.Add(1)
		go func() {
			defer spinners.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
			}
		}()
	}
	defer func() { close(stop); spinners.Wait() }()
	for i := 0; i < 3; i++ {
		lab.Run(t, "start", node)
		lab.Run(t, "kill", node)
	}
}
