package fakenodes

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestNodes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("fake nodes run sshd as root")
	}
	n := Start(t)
	key, err := os.ReadFile(n.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	config := &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: ssh.InsecureIgnoreHostKey()}
	run := func(host string) (string, error) {
		c, err := ssh.Dial("tcp", net.JoinHostPort(host, fmt.Sprint(n.Port)), config)
		if err != nil {
			return "", err
		}
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			return "", err
		}
		s.Stdin = strings.NewReader(strings.Repeat("input\n", 10000))
		out, err := s.CombinedOutput("echo ran; exit 3")
		return string(out), err
	}
	for _, host := range []string{"127.0.0.1", "127.0.7.12", "127.1.0.10"} {
		if out, err := run(host); err != nil || out != "" {
			t.Errorf("command on %s: output %q, error %v; want it to succeed doing nothing", host, out, err)
		}
	}
	if other := nonLoopback(t); other != "" {
		if _, err := run(other); err == nil {
			t.Errorf("a login from %s (not loopback) was let in", other)
		}
	}
}

// nonLoopback returns an IPv4 address of this host outside 127.0.0.0/8, or "" when it has none.
func nonLoopback(t *testing.T) string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && ip.IP.To4() != nil && !ip.IP.IsLoopback() {
			return ip.IP.String()
		}
	}
	return ""
}
