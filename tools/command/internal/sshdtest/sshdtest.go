// Package sshdtest starts a throwaway OpenSSH server on 127.0.0.1 for tests:
// its own config, a generated host key and one authorized client key, run in
// the foreground as a child of the test and killed when the test ends.
package sshdtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Paths of Debian's openssh-server.
const (
	sshdPath       = "/usr/sbin/sshd"
	sftpServerPath = "/usr/lib/openssh/sftp-server"
	privsepDir     = "/run/sshd"
)

// Server is a running sshd that accepts root with ClientKey.
type Server struct {
	Host string
	Port int
	// ClientKey is the authorized private key, OpenSSH PEM.
	ClientKey string
	// HostKey is the server's public host key, authorized_keys format.
	HostKey string
	// LogPath is sshd's log file (LogLevel DEBUG3).
	LogPath string
}

// Start runs an sshd for the test, or skips the test when sshd is not installed
// or the test is not root (sshd must run as root to log users in).
func Start(t testing.TB) *Server {
	t.Helper()
	for _, p := range []string{sshdPath, sftpServerPath} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("skipping: %s not found; install Debian's openssh-server to run the sshd tests", p)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("skipping: the sshd tests run sshd and log in as root, so they must run as root")
	}
	// sshd refuses to start without its privilege separation directory, which
	// only the (absent) system service would create.
	if err := os.MkdirAll(privsepDir, 0o755); err != nil {
		t.Fatalf("creating %s: %v", privsepDir, err)
	}

	dir := t.TempDir()
	hostPub := writeKey(t, filepath.Join(dir, "host_ed25519"))
	clientPriv, clientPub := newKey(t)
	write(t, filepath.Join(dir, "authorized_keys"), ssh.MarshalAuthorizedKey(clientPub), 0o600)

	port := freePort(t)
	s := &Server{
		Host:      "127.0.0.1",
		Port:      port,
		ClientKey: string(clientPriv),
		HostKey:   string(ssh.MarshalAuthorizedKey(hostPub)),
		LogPath:   filepath.Join(dir, "sshd.log"),
	}
	config := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile none
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
AcceptEnv LANG LC_*
Subsystem sftp %s
LogLevel DEBUG3
`, port, filepath.Join(dir, "host_ed25519"), filepath.Join(dir, "authorized_keys"), sftpServerPath)
	configPath := filepath.Join(dir, "sshd_config")
	write(t, configPath, []byte(config), 0o600)

	cmd := exec.Command(sshdPath, "-D", "-f", configPath, "-E", s.LogPath)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	waitListening(t, s, exited)
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Log returns what sshd has logged so far.
func (s *Server) Log(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(s.LogPath)
	if err != nil {
		t.Fatalf("reading the sshd log: %v", err)
	}
	return string(b)
}

func waitListening(t testing.TB, s *Server, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(s.LogPath)
			t.Fatalf("sshd exited at start (%v):\n%s", err, log)
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sshd did not listen on %s within 10s", s.Addr())
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ClosedPort returns a loopback port with nothing listening on it.
func ClosedPort(t testing.TB) int { return freePort(t) }

func newKey(t testing.TB) (privatePEM []byte, public ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generating a key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatalf("encoding a key: %v", err)
	}
	public, err = ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("encoding a public key: %v", err)
	}
	return pem.EncodeToMemory(block), public
}

// NewKeyPair returns a fresh key that no test server knows: the private key
// (OpenSSH PEM) and the public key (authorized_keys format).
func NewKeyPair(t testing.TB) (private, public string) {
	priv, pub := newKey(t)
	return string(priv), string(ssh.MarshalAuthorizedKey(pub))
}

func writeKey(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	priv, pub := newKey(t)
	write(t, path, priv, 0o600)
	return pub
}

func write(t testing.TB, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}
