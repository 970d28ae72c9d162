// Package lab_test boots the local lab (lab/lab up) and checks every node over SSH:
// identity, a booted system, its address on the bridge and nothing beyond it.
// It needs root and PGSVC_E2E=1, which make test sets.
package lab_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	keyPath   = "/var/lib/pgsvc-lab/ssh/id_ed25519"
	hostIP    = "10.213.0.1"
	aptPort   = 3142             // apt-cacher-ng on the host's bridge address
	upTimeout = 20 * time.Minute // a cold lab builds its base image first
)

var nodes = []struct{ name, ip string }{
	{"infra-1", "10.213.0.10"},
	{"pg-test-1", "10.213.0.11"},
	{"pg-test-2", "10.213.0.12"},
	{"pg-test-3", "10.213.0.13"},
}

func TestNodesAnswerSSH(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the lab needs root")
	}
	if os.Getenv("PGSVC_E2E") != "1" {
		t.Skip("set PGSVC_E2E=1 to boot the lab")
	}
	if out, err := runLab(upTimeout, "up"); err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	out, err := runLab(time.Minute, "key")
	if err != nil || strings.TrimSpace(out) != keyPath {
		t.Fatalf("lab key = %q, %v; want %s", out, err, keyPath)
	}

	for _, n := range nodes {
		var peers []string
		for _, p := range nodes {
			if p.ip != n.ip {
				peers = append(peers, p.ip)
			}
		}
		checks := []struct {
			name       string
			cmd        string
			ignoreExit bool // the answer is in the output, not the exit status
			ok         func(out string) bool
		}{
			{"hostname", "hostname", false, func(out string) bool { return out == n.name }},
			{"system booted", "systemctl is-system-running", true,
				func(out string) bool { return out == "running" || out == "degraded" }},
			{"address on host0", "ip -4 -o addr show dev host0", false,
				func(out string) bool { return strings.Contains(out, " inet "+n.ip+"/24 ") }},
			{"no default route", "ip route show default", false, func(out string) bool { return out == "" }},
			{"peers reachable",
				"for ip in " + strings.Join(peers, " ") + "; do ping -c1 -W2 $ip >/dev/null || echo $ip; done",
				false, func(out string) bool { return out == "" }},
			{"apt proxy reachable",
				fmt.Sprintf("python3 -c 'import socket; socket.create_connection((%q, %d), 3); print(\"ok\")'",
					hostIP, aptPort),
				false, func(out string) bool { return out == "ok" }},
		}
		t.Run(n.name, func(t *testing.T) {
			for _, c := range checks {
				out, err := sshRun(n.ip, c.cmd)
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
	if os.Geteuid() != 0 {
		t.Skip("the lab needs root")
	}
	if os.Getenv("PGSVC_E2E") != "1" {
		t.Skip("set PGSVC_E2E=1 to boot the lab")
	}
	const node = "solo-1"
	// A fresh disk: one left by another test could boot daemons of a cluster that has gone.
	if out, err := runLab(time.Minute, "wipe", node); err != nil {
		t.Fatalf("wipe %s: %v\n%s", node, err, out)
	}
	t.Cleanup(func() { runLab(time.Minute, "wipe", node) })
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
		if out, err := runLab(upTimeout, "start", node); err != nil {
			t.Fatalf("start %d of %s: %v\n%s", i+1, node, err, out)
		}
		if out, err := runLab(time.Minute, "kill", node); err != nil {
			t.Fatalf("kill %d of %s: %v\n%s", i+1, node, err, out)
		}
	}
}

// runLab runs lab/lab from the repository root with a bounded time.
func runLab(timeout time.Duration, args ...string) (string, error) {
	script, err := filepath.Abs(filepath.Join("..", "..", "lab", "lab"))
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, script, args...).CombinedOutput()
	return string(out), err
}

// sshRun runs cmd as root on the node at ip and returns its trimmed output.
func sshRun(ip, cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ssh",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=5",
		"-i", keyPath, "root@"+ip, cmd).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}
