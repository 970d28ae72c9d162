// Package fakenodes stands in for every node of an environment whose node addresses are loopback
// addresses (127.0.0.0/8): one throwaway OpenSSH server on a port of its own accepts one generated
// key from loopback only, and every command it is asked to run succeeds doing nothing (it reads
// its standard input to the end). A deploy against it costs what the engine, the program and the
// providers cost, without the nodes' work.
package fakenodes

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Paths of Debian's openssh-server.
const (
	sshdPath   = "/usr/sbin/sshd"
	privsepDir = "/run/sshd"
)

// Nodes is a running sshd that logs root in with the key in KeyFile.
type Nodes struct {
	Port    int
	KeyFile string
}

// sshdConfig: sshd binds every address (it listens on at most 16, and a node each needs one) and
// lets only loopback clients in. SHLVL=1 keeps root's bash from sourcing ~/.bashrc, which sshd's
// bash does for commands (Debian's SSH_SOURCE_BASHRC) and which may cost a second per command.
const sshdConfig = `Port %d
ListenAddress 0.0.0.0
HostKey %s
PidFile none
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers root@127.0.0.0/8
AllowTcpForwarding no
X11Forwarding no
ForceCommand cat >/dev/null
SetEnv SHLVL=1
MaxStartups 1000
LogLevel ERROR
`

// Start runs the nodes' sshd for the test's duration. It fails the test when sshd is missing or
// the test does not run as root (sshd logs users in only as root).
func Start(t testing.TB) *Nodes {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("%s: %v (install openssh-server: make host-deps)", sshdPath, err)
	}
	if os.Geteuid() != 0 {
		t.Fatal("fake nodes run sshd, which must run as root")
	}
	if err := os.MkdirAll(privsepDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "host_ed25519")
	writeKey(t, hostKey)
	n := &Nodes{Port: freePort(t), KeyFile: filepath.Join(dir, "id_ed25519")}
	client := writeKey(t, n.KeyFile)
	authorized := filepath.Join(dir, "authorized_keys")
	write(t, authorized, ssh.MarshalAuthorizedKey(client))
	config := filepath.Join(dir, "sshd_config")
	write(t, config, fmt.Appendf(nil, sshdConfig, n.Port, hostKey, authorized))
	log := filepath.Join(dir, "sshd.log")
	cmd := exec.Command(sshdPath, "-D", "-f", config, "-E", log)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	addr := net.JoinHostPort("127.0.0.1", fmt.Sprint(n.Port))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			out, _ := os.ReadFile(log)
			t.Fatalf("sshd exited at start (%v):\n%s", err, out)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %s within 10 s", addr)
		}
	}
}

// writeKey writes a new ed25519 private key in OpenSSH format to path and returns its public key.
func writeKey(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, pem.EncodeToMemory(block))
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sshPub
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// freePort returns a port that was free on every address a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
