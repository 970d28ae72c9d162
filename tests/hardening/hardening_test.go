// Package hardening checks on the lab that pgsvc leaks no secret and fails safely: an audit of
// state, output, command lines and node files; an unreachable node; an interrupted run.
package hardening

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"pgsvc/render"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
)

// resource is one resource of the stack's exported state.
type resource struct {
	URN     string         `json:"urn"`
	Type    string         `json:"type"`
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
}

// resources reads the stack's state, secrets shown.
func resources(t *testing.T, s *cli.Stack) []resource {
	t.Helper()
	var state struct {
		Deployment struct {
			Resources []resource `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal([]byte(s.MustRun(t, time.Minute, "stack", "export", "--show-secrets")), &state); err != nil {
		t.Fatal(err)
	}
	return state.Deployment.Resources
}

// generated reads every password the stack generated, from its state.
func generated(t *testing.T, s *cli.Stack) []string {
	t.Helper()
	var out []string
	for _, r := range resources(t, s) {
		if r.Type != "random:index/randomPassword:RandomPassword" {
			continue
		}
		// --show-secrets keeps the secret envelope, with the value JSON-encoded in "plaintext".
		switch v := r.Outputs["result"].(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			var pw string
			if p, ok := v["plaintext"].(string); ok && json.Unmarshal([]byte(p), &pw) == nil && pw != "" {
				out = append(out, pw)
			}
		}
	}
	if len(out) < 11 {
		t.Fatalf("found %d generated passwords in the state, want 11", len(out))
	}
	return out
}

func containsAny(s string, secrets []string) bool {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			return true
		}
	}
	return false
}

// privateKeys reads, from the state, a distinctive line of every private key the stack generated
// (the first base64 line of its PEM body), to look for where the keys went.
func privateKeys(t *testing.T, s *cli.Stack) []string {
	t.Helper()
	var out []string
	for _, r := range resources(t, s) {
		if r.Type != "tls:index/privateKey:PrivateKey" {
			continue
		}
		var pemText string
		switch v := r.Outputs["privateKeyPem"].(type) {
		case string:
			pemText = v
		case map[string]any:
			if p, ok := v["plaintext"].(string); ok {
				_ = json.Unmarshal([]byte(p), &pemText)
			}
		}
		if lines := strings.Split(pemText, "\n"); len(lines) > 2 {
			out = append(out, lines[1])
		}
	}
	if len(out) == 0 {
		t.Fatal("found no private key in the state")
	}
	return out
}

// TestSecretsAudit looks for every generated password where none may be: the encrypted state,
// the CLI's output, remote command lines (in the state, and every exec on the host and the
// nodes while a password is rotated), and node files that are not 0600/0640 and owned by their
// service.
func TestSecretsAudit(t *testing.T) {
	c := drill.Setup(t)
	t.Cleanup(func() { c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview") })
	rotated := c.Stack.WithConfig(t, func(cfg map[string]any) {
		for _, u := range cli.ClusterConfig(cfg, cli.TestCluster)["users"].([]any) {
			if u.(map[string]any)["name"] == "dbuser_view" {
				u.(map[string]any)["rotation"] = "audit"
			}
		}
	})
	var nodes []string
	for _, m := range c.Spec.Machines() {
		nodes = append(nodes, m.IP)
	}
	// While the rotation is applied, every node runs a canary: a short-lived command with a
	// token in its argv, which the trace must catch as it would a password.
	canaries := map[string]string{}
	for _, ip := range nodes {
		canaries[ip] = randomToken(t)
	}
	trace := startExecTrace(t)
	canaried := make(chan error, 1)
	go func() { canaried <- runCanaries(canaries) }()
	upOut := rotated.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	if err := <-canaried; err != nil {
		t.Fatal(err)
	}
	trace.finish(t)
	argvs := trace.argvs()
	t.Logf("traced %d execs during the rotation", len(argvs))
	for ip, canary := range canaries {
		if len(exposed(argvs, []string{canary})) == 0 {
			t.Errorf("the exec trace missed the canary on %s: it does not see every command line", ip)
		}
	}
	keys := privateKeys(t, c.Stack)
	secrets := append(generated(t, c.Stack), keys...)
	for _, argv := range exposed(argvs, secrets) {
		t.Errorf("a command line held a generated secret: %s", argv)
	}

	if containsAny(upOut, secrets) || containsAny(rotated.MustRun(t, 5*time.Minute, "preview", "--diff"), secrets) {
		t.Error("the CLI printed a generated password")
	}
	if containsAny(c.Stack.MustRun(t, time.Minute, "stack", "export"), secrets) {
		t.Error("the state holds a generated password in plaintext")
	}
	for _, r := range resources(t, c.Stack) {
		for _, k := range []string{"create", "update", "delete"} {
			if v, ok := r.Inputs[k].(string); ok && containsAny(v, secrets) {
				t.Errorf("%s: the %s command line holds a password", r.URN, k)
			}
		}
	}

	// Files holding a password: only 0600/0640, owned by their service user; a private key: 0600.
	for _, ip := range nodes {
		out, _ := labGrep(ip, secrets)
		files := strings.Split(strings.TrimSpace(out), "\n")
		for _, line := range files {
			if line == "" {
				continue
			}
			f := strings.Fields(line)
			mode, user := f[0], f[1]
			// etcd 3.4 logs a v3 password change in its write-ahead log before hashing it.
			owners := []string{"postgres", "root"}
			if strings.HasPrefix(f[3], "/var/lib/etcd/") || f[3] == render.EtcdKeyPath {
				owners = []string{"etcd"}
			}
			if (mode != "600" && mode != "640") || !slices.Contains(owners, user) {
				t.Errorf("%s: %s holds a secret with mode %s owner %s", ip, f[3], mode, user)
			}
		}
		t.Logf("%s: files holding a generated password or key: %v", ip, files)
		out, _ = labGrep(ip, keys)
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if f := strings.Fields(line); len(f) == 4 && f[0] != "600" {
				t.Errorf("%s: %s holds a private key with mode %s (owner %s), want 600", ip, f[3], f[0], f[1])
			}
		}
	}
}

// runCanaries runs on each node (by address) a command that lives a few milliseconds with the
// node's canary in its argv. The canary goes on stdin: only the node's own exec shows it.
func runCanaries(canaries map[string]string) error {
	for ip, canary := range canaries {
		if _, err := lab.SSHInput(ip, "sh", fmt.Sprintf("sh -c 'sleep 0.01 # %s'\n", canary)); err != nil {
			return err
		}
	}
	return nil
}

// exposed lists the command lines that hold any of secrets, each secret masked.
func exposed(argvs, secrets []string) []string {
	var out []string
	for _, argv := range argvs {
		if containsAny(argv, secrets) {
			for _, sec := range secrets {
				argv = strings.ReplaceAll(argv, sec, "<secret>")
			}
			out = append(out, argv)
		}
	}
	return out
}

// labGrep lists, as "mode user group path", the files on a node that hold any of patterns.
func labGrep(ip string, patterns []string) (string, error) {
	return lab.SSHInput(ip, `grep -rlsF -f /dev/stdin /etc /var/lib/pgsvc /var/lib/postgresql /var/lib/etcd /run /tmp /root | while read -r f; do stat -c '%a %U %G %n' "$f"; done`,
		strings.Join(patterns, "\n")+"\n")
}

// TestEtcdAuth: anonymous clients get nothing from etcd in either API, and the cluster's own
// etcd user (the one in patroni.yml) reaches the cluster's keys and nothing else.
func TestEtcdAuth(t *testing.T) {
	c := drill.Setup(t)
	etcd := c.Spec.NodeIPs()[c.Spec.Etcd.Members[0]]
	key := fmt.Sprintf("https://%s:%d/v2/keys/pg/%s/leader", etcd, c.Spec.Etcd.ClientPort, c.C.Name)
	outside := fmt.Sprintf("https://%s:%d/v2/keys/pgsvc-audit", etcd, c.Spec.Etcd.ClientPort)
	// The cluster user's password goes from patroni.yml on the node into a 0600 netrc file: it
	// never reaches a command line.
	netrc := etcdPasswordFile(c.Spec) + lab.NetrcFile("netrc", etcd, render.EtcdUser(c.C), "pw")
	status := func(auth bool, method, url string) string {
		cmd := fmt.Sprintf("curl -s -o /dev/null -m 5 --cacert %s -w '%%{http_code}' -X %s %s", render.CACertPath, method, url)
		if auth {
			cmd = netrc + strings.Replace(cmd, "curl", `curl --netrc-file "$netrc"`, 1)
		}
		out, err := lab.SSH(c.C.Primary().IP, cmd)
		if err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, out)
		}
		return strings.TrimSpace(out)
	}
	for _, tc := range []struct {
		name        string
		auth        bool
		method, url string
		want        []string
	}{
		{"anonymous read of the leader key", false, "GET", key, []string{"401"}},
		{"anonymous write outside the cluster", false, "PUT", outside + "?value=x", []string{"401"}},
		{"cluster user reads the leader key", true, "GET", key, []string{"200"}},
		{"cluster user writes outside its keys", true, "PUT", outside + "?value=x", []string{"401", "403"}},
	} {
		if got := status(tc.auth, tc.method, tc.url); !slices.Contains(tc.want, got) {
			t.Errorf("%s: HTTP %s, want %v", tc.name, got, tc.want)
		}
	}
	// The v3 API, reached over TLS with the CA: without a user, etcd refuses for want of one
	// (anything else, a TLS or connection error, proves nothing about authentication).
	endpoint := fmt.Sprintf("https://%s:%d", etcd, c.Spec.Etcd.ClientPort)
	out, err := lab.SSH(c.C.Primary().IP, fmt.Sprintf("ETCDCTL_API=3 etcdctl --endpoints=%s --cacert %s get --prefix --keys-only /pg/",
		endpoint, render.CACertPath))
	if err == nil {
		t.Errorf("an anonymous v3 client read etcd: %s", out)
	} else if !strings.Contains(err.Error(), "user name is empty") {
		t.Errorf("an anonymous v3 read failed, but not for want of a user: %v", err)
	}
	// The cluster's user is made in the API its Patroni uses, v2 in the dev stack (TestEtcdV3Cluster
	// covers v3): its credentials, which v2 took above, open nothing in v3, not even its own keys.
	out, err = etcdV3AsCluster(c.Spec, c.C, c.C.Primary().IP, endpoint, "get --prefix --keys-only "+etcdPrefix(c.C))
	if err == nil {
		t.Errorf("the cluster's v2 user read its keys through etcd's v3 API: %s", out)
	} else if !strings.Contains(err.Error(), "authentication failed") {
		t.Errorf("the cluster's v2 user's v3 read failed, but not for its credentials: %v", err)
	}
}

// etcdV3AsCluster runs etcdctl args, on the node at ip, against etcd's v3 API at endpoint (TLS,
// with the stack's CA) as the cluster's etcd user. The password goes from Patroni's config into
// a 0600 file and from there into etcdctl's environment (ETCDCTL_PASSWORD, which only root
// reads): no command line holds it.
func etcdV3AsCluster(spec *stacks.Spec, c *stacks.Cluster, ip, endpoint, args string) (string, error) {
	return lab.SSH(ip, etcdPasswordFile(spec)+
		fmt.Sprintf(`ETCDCTL_API=3 ETCDCTL_USER=%s ETCDCTL_PASSWORD=$(cat "$pw") etcdctl --endpoints=%s --cacert %s %s`,
			render.EtcdUser(c), endpoint, render.CACertPath, args))
}

// etcdPasswordFile is shell that copies the cluster's etcd password from Patroni's config on a
// member into a 0600 file at $pw.
func etcdPasswordFile(spec *stacks.Spec) string {
	// Patroni's config holds the credentials for etcd's v2 API under etcd, for v3 under etcd3.
	section := map[string]string{stacks.DCSv2: "etcd", stacks.DCSv3: "etcd3"}[spec.Etcd.API]
	return lab.SecretFile("pw", lab.PatroniConfig, section, "password")
}

// etcdPrefix is where the cluster's Patroni keeps its keys in etcd.
func etcdPrefix(c *stacks.Cluster) string { return "/pg/" + c.Name + "/" }

// TestUnreachableNode edits the stack while a member is powered off: the run fails naming the
// node's address, the other members get the change, and once the node is back a rerun converges.
func TestUnreachableNode(t *testing.T) {
	c := drill.Setup(t)
	t.Cleanup(func() { c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview") })
	lab.Run(t, "kill", lab.PgTest3.Name)
	t.Cleanup(func() { lab.Run(t, "start", lab.PgTest3.Name) })
	edited := c.Stack.WithConfig(t, func(cfg map[string]any) {
		cli.ClusterConfig(cfg, cli.TestCluster)["services"] = []any{map[string]any{"name": "reach", "port": 5442}}
	})
	out, err := edited.Run(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	if err == nil {
		t.Fatal("the run succeeded with a member powered off")
	}
	if !strings.Contains(out, lab.PgTest3.IP) || !strings.Contains(out, lab.PgTest3.Name) {
		t.Errorf("the error names neither the node nor its address:\n%s", out)
	}
	drill.Eventually(t, time.Minute, "the new service on the reachable members", func() bool {
		return c.LandsOn(c.IP("pg-test-1"), 5442) != "" && c.LandsOn(c.IP("pg-test-2"), 5442) != ""
	})
	lab.Run(t, "start", lab.PgTest3.Name)
	drill.Eventually(t, 3*time.Minute, "pg-test-3 back", func() bool { return c.State().Status["/health"]["pg-test-3"] })
	edited.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	edited.MustRun(t, 5*time.Minute, "preview", "--expect-no-changes")
	if c.LandsOn(c.IP("pg-test-3"), 5442) == "" {
		t.Error("the service is missing on pg-test-3 after the rerun")
	}
}

// TestInterruptedRun kills pulumi up in the middle of a change; the documented recovery
// (cancel to release the stack's lock, refresh clearing pending creates, then up) converges.
func TestInterruptedRun(t *testing.T) {
	c := drill.Setup(t)
	t.Cleanup(func() { c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview") })
	edited := c.Stack.WithConfig(t, func(cfg map[string]any) {
		cl := cli.ClusterConfig(cfg, cli.TestCluster)
		cl["services"] = []any{map[string]any{"name": "intr", "port": 5443}}
		cl["rto"] = "fast"
	})
	// Cut the run while it changes a node: as the engine starts on the new service's first file.
	cut := edited.KillAtEvent(t, 5*time.Minute, func(e apitype.EngineEvent) bool {
		pre := e.ResourcePreEvent
		return pre != nil && pre.Metadata.Type == "command:remote:Command" && strings.Contains(pre.Metadata.URN, "-haproxy-intr")
	}, "up", "--yes", "--skip-preview")
	t.Logf("killed pulumi up as it began to %s %s", cut.ResourcePreEvent.Metadata.Op, cut.ResourcePreEvent.Metadata.URN)
	edited.MustRun(t, time.Minute, "cancel", "--yes")
	edited.MustRun(t, 10*time.Minute, "refresh", "--yes", "--clear-pending-creates", "--skip-preview")
	edited.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	edited.MustRun(t, 5*time.Minute, "preview", "--expect-no-changes")
	c.CheckRoutes(t)
	for _, m := range c.C.Members {
		if c.LandsOn(m.IP, 5443) == "" {
			t.Errorf("the service is missing on %s after recovery", m.IP)
		}
	}
}

// TestPreflight points throwaway stacks at nodes pgsvc must refuse: a Debian 11 node, and a
// Debian 12 node reached as a user without root. Each run fails naming the node, its address
// and the reason, before any node is changed: no remote command completed.
func TestPreflight(t *testing.T) {
	if !cli.E2E() {
		t.Skip("end-to-end test: run with PGSVC_E2E=1 (make test)")
	}
	legacy, pgTest3 := lab.Legacy1.IP, lab.PgTest3.IP
	lab.Run(t, "start", lab.Legacy1.Name)
	t.Cleanup(func() { lab.Run(t, "kill", lab.Legacy1.Name) })
	// One login without sudo, one whose sudo asks for a password (Debian's sudo group).
	labUser(t, pgTest3, "pgsvc-nopriv", "")
	labUser(t, pgTest3, "pgsvc-pwsudo", "usermod -aG sudo pgsvc-pwsudo")

	for _, tc := range []struct {
		name, cluster, sshUser, ip, want string
	}{
		{"debian 11", "pg-legacy", "root", legacy, "pgsvc supports Debian 12 only; this node runs Debian GNU/Linux 11 (bullseye)"},
		{"no root", "pg-nopriv", "pgsvc-nopriv", pgTest3, "user pgsvc-nopriv has no sudo without a password here"},
		{"sudo with a password", "pg-pwsudo", "pgsvc-pwsudo", pgTest3, "user pgsvc-pwsudo has no sudo without a password here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tempStack(t, fmt.Sprintf(`config:
  pgsvc:ssh: {user: %s, privateKeyFile: %s}
  pgsvc:cluster:
    name: %s
    members: [{seq: 1, ip: %s, role: primary}]
`, tc.sshUser, lab.Key, tc.cluster, tc.ip))
			out, err := s.Run(t, 10*time.Minute, "up", "--yes", "--skip-preview")
			if err == nil {
				t.Fatalf("up succeeded on a node pgsvc must refuse:\n%s", out)
			}
			for _, want := range []string{tc.cluster + "-1", tc.ip, tc.want} {
				if !strings.Contains(out, want) {
					t.Errorf("the error does not say %q:\n%s", want, out)
				}
			}
			for _, r := range resources(t, s) {
				if r.Type == "command:remote:Command" {
					t.Errorf("remote command %s completed on a refused node", r.URN)
				}
			}
		})
	}
	out, err := lab.SSH(legacy, "dpkg-query -W etcd-server patroni postgresql-15 haproxy 2>/dev/null; ls -d /etc/patroni /var/lib/pgsvc 2>/dev/null; true")
	if err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("the Debian 11 node was changed: %v\n%s", err, out)
	}
}

// labUser creates a login with the lab's key on a node, runs extra (shell) as root after, and
// removes the user with the test.
func labUser(t *testing.T, ip, user, extra string) {
	t.Helper()
	if out, err := lab.SSH(ip, fmt.Sprintf(`id %[1]s >/dev/null 2>&1 || useradd -m -s /bin/bash %[1]s
install -d -o %[1]s -m 0700 /home/%[1]s/.ssh
install -o %[1]s -m 0600 /root/.ssh/authorized_keys /home/%[1]s/.ssh/authorized_keys
%[2]s`, user, extra)); err != nil {
		t.Fatalf("creating %s on %s: %v %s", user, ip, err, out)
	}
	t.Cleanup(func() { lab.SSH(ip, "rm -f /etc/sudoers.d/"+user+"; userdel -r "+user+" 2>/dev/null") })
}

// TestSudoLogin switches the dev stack's login from root to a user with passwordless sudo, as
// Pigsty's admin user is: every command runs again, through sudo, converges, and the cluster
// serves as before.
func TestSudoLogin(t *testing.T) {
	c := drill.Setup(t)
	const admin = "pgsvc-admin"
	var ips []string
	for _, ip := range c.Spec.NodeIPs() {
		labUser(t, ip, admin, fmt.Sprintf(`echo '%[1]s ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/%[1]s
chmod 0440 /etc/sudoers.d/%[1]s`, admin))
		ips = append(ips, ip)
	}
	// Registered after the users, so it runs before they are removed.
	t.Cleanup(func() { c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview") })
	since := time.Now().UTC().Format("2006-01-02 15:04:05")
	edited := c.Stack.WithConfig(t, func(cfg map[string]any) { cfg["pgsvc:ssh"].(map[string]any)["user"] = admin })
	edited.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	edited.MustRun(t, 5*time.Minute, "preview", "--expect-no-changes")
	c.Settle(t)
	c.CheckRoutes(t)
	drill.CheckOutputs(t, edited)
	for _, ip := range ips {
		out, _ := lab.SSH(ip, fmt.Sprintf("journalctl -q -t sudo --since '%s UTC' | grep -c '%s : .*USER=root ; COMMAND=/usr/bin/bash -c'", since, admin))
		if n := strings.TrimSpace(out); n == "" || n == "0" {
			t.Errorf("%s: no command ran through %s's sudo", ip, admin)
		}
	}
}

// tempStack is a throwaway stack of the project with config (a YAML document under config:).
func tempStack(t *testing.T, config string) *cli.Stack {
	t.Helper()
	s := cli.NewTempStack(t, cli.Root())
	f, err := os.OpenFile(filepath.Join(cli.Root(), "Pulumi."+s.Name+".yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(config)
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEtcdV3Cluster deploys a one-node cluster whose Patroni keeps its state in etcd's v3 API
// (api: v3, so no VIP) on a fresh node: authentication covers v3, the cluster's user reaches
// its keys and nothing else, every output connects, and destroy leaves etcd open again.
func TestEtcdV3Cluster(t *testing.T) {
	if !cli.E2E() {
		t.Skip("end-to-end test: run with PGSVC_E2E=1 (make test)")
	}
	solo := lab.Solo1.IP
	lab.Run(t, "wipe", lab.Solo1.Name)
	lab.Run(t, "start", lab.Solo1.Name)
	t.Cleanup(func() { lab.Run(t, "wipe", lab.Solo1.Name) })
	s := tempStack(t, fmt.Sprintf(`config:
  pgsvc:ssh: {user: root, privateKeyFile: %s}
  pgsvc:etcd: {api: v3}
  pgsvc:cluster:
    name: pg-solo
    members: [{seq: 1, ip: %s, role: primary}]
    users:
      - {name: test, roles: [dbrole_admin]}
      - {name: dbuser_stats, roles: [dbrole_offline]}
    databases: [{name: test, owner: test}]
`, lab.Key, solo))
	s.MustRun(t, 15*time.Minute, "up", "--yes", "--skip-preview")
	s.MustRun(t, 5*time.Minute, "preview", "--expect-no-changes")
	drill.CheckOutputs(t, s)

	// No anonymous v3 client gets in, and the v2 API is off (404).
	spec := s.Spec(t)
	cl := spec.Find("pg-solo")
	endpoint := fmt.Sprintf("https://127.0.0.1:%d", spec.Etcd.ClientPort)
	out, err := lab.SSH(solo, fmt.Sprintf(`export ETCDCTL_API=3 ETCDCTL_ENDPOINTS=%[1]s ETCDCTL_CACERT=%[2]s
etcdctl get --prefix / >/dev/null 2>&1 && echo "anonymous v3 read"
echo "v2 $(curl -s -o /dev/null --cacert %[2]s -w '%%{http_code}' %[1]s/v2/keys/)"`, endpoint, render.CACertPath))
	if want := "v2 404\n"; err != nil || out != want {
		t.Errorf("etcd v3 access: got %q (%v), want %q", out, err, want)
	}
	// The cluster's user reaches its keys, and nothing else.
	if out, err := etcdV3AsCluster(spec, cl, solo, endpoint, "get --print-value-only "+etcdPrefix(cl)+"leader"); err != nil || strings.TrimSpace(out) != "pg-solo-1" {
		t.Errorf("the cluster's user reading its leader key: %q, %v; want pg-solo-1", out, err)
	}
	if out, err := etcdV3AsCluster(spec, cl, solo, endpoint, "put /pgsvc-audit x"); err == nil {
		t.Errorf("the cluster's user wrote outside its keys: %s", out)
	} else if !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the cluster's user's write outside its keys failed, but not for want of permission: %v", err)
	}
	// Destroy turns authentication off before it stops etcd; etcd's data stays.
	s.MustRun(t, 10*time.Minute, "destroy", "--yes", "--skip-preview")
	if out, err := lab.SSH(solo, fmt.Sprintf(`systemctl start etcd
timeout 30 sh -c 'until curl -s -m 1 http://127.0.0.1:%[1]d/health | grep -q true; do sleep 0.5; done'
ETCDCTL_API=3 timeout 10 etcdctl --endpoints=127.0.0.1:%[1]d --dial-timeout=3s --command-timeout=5s user list`, spec.Etcd.ClientPort)); err != nil {
		t.Errorf("etcd's v3 authentication still on after destroy: %v %s", err, out)
	}
}
