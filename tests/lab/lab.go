// Package lab is the tests' one description of the local lab that lab/lab runs: its nodes and
// addresses, its SSH key, the ports the dev stack serves on, and helpers that run commands on
// the nodes. tests/unit checks it against lab/lab and Pulumi.dev.yaml.
package lab

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pgsvc/tests/cli"
)

// Node is one lab node.
type Node struct{ Name, IP string }

// The nodes lab up boots, and the two lab start boots on demand: solo-1, a Debian 12 node for
// one-node clusters, and legacy-1, a Debian 11 node that pgsvc must refuse.
var (
	Infra1  = Node{"infra-1", "10.213.0.10"}
	PgTest1 = Node{"pg-test-1", "10.213.0.11"}
	PgTest2 = Node{"pg-test-2", "10.213.0.12"}
	PgTest3 = Node{"pg-test-3", "10.213.0.13"}
	Solo1   = Node{"solo-1", "10.213.0.21"}
	Legacy1 = Node{"legacy-1", "10.213.0.20"}

	Nodes    = []Node{Infra1, PgTest1, PgTest2, PgTest3}
	OnDemand = []Node{Solo1, Legacy1}
)

const (
	// Bridge joins the nodes; the host is HostIP on it, in a /PrefixLen network.
	Bridge    = "pgsvc-lab"
	HostIP    = "10.213.0.1"
	PrefixLen = 24
	// VIP is pg-test's virtual address in the dev stack.
	VIP = "10.213.0.3"
	// Key is the nodes' root SSH key (lab up creates it).
	Key = "/var/lib/pgsvc-lab/ssh/id_ed25519"
)

// Ports are the ports the tests reach: the apt proxy on the host, and the dev stack's, which are
// Pigsty's defaults (Pulumi.dev.yaml sets none).
var Ports = struct {
	AptProxy                           int
	Postgres, PgBouncer, Patroni, Etcd int
	// HAProxy's built-in services.
	Primary, Replica, Standby, Default, Delayed, Offline int
}{
	AptProxy: 3142,
	Postgres: 5432, PgBouncer: 6432, Patroni: 8008, Etcd: 2379,
	Primary: 5433, Replica: 5434, Standby: 5435, Default: 5436, Delayed: 5437, Offline: 5438,
}

// PatroniConfig is Patroni's config file on a member; it holds the member's secrets.
const PatroniConfig = "/etc/patroni/config.yml"

// Patronictl starts a shell command that runs patronictl as postgres on a member; append its
// arguments.
const Patronictl = "cd / && runuser -u postgres -- patronictl -c " + PatroniConfig

// SSH runs command as root on the node at ip and returns its standard output; an error holds
// its standard error.
func SSH(ip, command string) (string, error) {
	return SSHInput(ip, command, "")
}

// SSHInput is SSH with stdin given to the command: the way to hand a node a secret.
func SSHInput(ip, command, stdin string) (string, error) {
	cmd := exec.Command("ssh", "-i", Key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "root@"+ip, command)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), fmt.Errorf("ssh %s %q: %v: %s", ip, command, err, ee.Stderr)
	}
	return string(out), err
}

// Run runs lab/lab with args (up, kill NODE, start NODE, wipe NODE, key, ...) and returns its
// output; it fails the test on error.
func Run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(Script(), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("lab %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Script is lab/lab.
func Script() string { return filepath.Join(cli.Root(), "lab", "lab") }

// SecretFile is shell that copies a secret from a node file into a file of the script's own,
// mode 0600 and removed when the script exits, and sets the shell variable name to its path.
// The secret is the value of key in the top-level section of the YAML file at path (Patroni's
// config: section etcd or etcd3, key username or password). awk copies it from file to file:
// no command line holds it.
func SecretFile(name, path, section, key string) string {
	return secretPath(name) + fmt.Sprintf(`awk -v s=%s: -v k=%s: '$0 == s {e = 1; next} /^[^ ]/ {e = 0} e && $1 == k {v = $2; gsub(/"/, "", v); print v; exit}' %s >"$%s"
[ -s "$%[4]s" ] || { echo "no %[1]s.%[2]s in %[3]s" >&2; exit 1; }
`, section, key, path, name)
}

// StdinSecretFile is SecretFile for a secret that comes as the script's standard input
// (SSHInput).
func StdinSecretFile(name string) string {
	return secretPath(name) + fmt.Sprintf("cat >\"$%s\"\n", name)
}

// secretPath is shell that sets the variable name to a path in a 0700 directory of the
// script's own, which goes when the script exits.
func secretPath(name string) string {
	return fmt.Sprintf(`umask 077; lab_secrets=${lab_secrets:-$(mktemp -d)}; trap 'rm -rf "$lab_secrets"' EXIT; %s=$lab_secrets/%[1]s
`, name)
}

// NetrcFile is shell that writes, to a file whose path it sets in the shell variable name, curl's
// credentials (--netrc-file) for user at host with the password in the file at $password (from
// SecretFile).
func NetrcFile(name, host, user, password string) string {
	return secretPath(name) + fmt.Sprintf(`awk -v h=%s -v u=%s '{print "machine " h " login " u " password " $0}' "$%s" >"$%s"
`, host, user, password, name)
}
