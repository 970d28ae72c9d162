package render

import (
	"os/exec"
	"strings"
	"testing"

	"pgsvc/stacks"
)

// TestEtcdAuthScripts: every script is valid POSIX shell for either DCS API, and the cluster's
// role reaches its keys in the API Patroni uses.
func TestEtcdAuthScripts(t *testing.T) {
	values := map[string]string{
		stacks.KeySSH:     `{"user":"root","privateKeyFile":"/dev/null"}`,
		stacks.KeyCluster: `{"name":"pg-test","members":[{"seq":1,"ip":"10.213.0.11","role":"primary"}]}`,
	}
	for _, api := range []string{stacks.DCSv2, stacks.DCSv3} {
		values[stacks.KeyEtcd] = `{"api":"` + api + `"}`
		spec, err := stacks.Load(func(k string) (string, bool) { v, ok := values[k]; return v, ok })
		if err != nil {
			t.Fatal(err)
		}
		c := spec.Find("pg-test")
		scripts := map[string][]byte{
			"root": EtcdRootScript(spec), "user": EtcdUserScript(spec, c), "user-remove": EtcdUserRemoveScript(spec, c),
			"on": EtcdAuthScript(spec), "off": EtcdAuthOffScript(spec), "finish": EtcdFinishMoveScript(spec, spec.Etcd.Members[0]),
		}
		for name, script := range scripts {
			cmd := exec.Command("sh", "-n")
			cmd.Stdin = strings.NewReader(string(script))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s %s script: %v\n%s", api, name, err, out)
			}
		}
		for _, name := range []string{"user", "user-remove"} {
			if !strings.Contains(string(scripts[name]), "pg-test") {
				t.Errorf("%s %s script does not name the cluster's user", api, name)
			}
		}
		keys := map[string]string{stacks.DCSv2: `v2/keys$prefix?recursive=true`, stacks.DCSv3: `etcdctl del --prefix '/pg/pg-test/'`}[api]
		if got := string(scripts["user-remove"]); !strings.Contains(got, keys) || !strings.Contains(got, "prefix='/pg/pg-test'\n") {
			t.Errorf("%s user-remove script does not remove the cluster's keys (%s)", api, keys)
		}
		if got := string(scripts["user"]); !strings.Contains(got, "/pg/pg-test") {
			t.Errorf("%s user script does not name the cluster's keys", api)
		}
		if got := string(scripts["user"]); strings.Contains(got, "etcdctl role grant-permission") != (api == stacks.DCSv3) {
			t.Errorf("%s: v3 role for the cluster present = %v", api, !(api == stacks.DCSv3))
		}
		if got := string(scripts["on"]); !strings.Contains(got, "/pg") || strings.Contains(got, "pg-test") {
			t.Errorf("%s: the auth script closes the whole /pg namespace and names no cluster", api)
		}
	}
}

// TestEtcdTLS: a member's settings name only TLS URLs, with the node's certificate for clients
// and peers and the CA for peers; the settings of a move add plain client and peer listeners
// and advertise plain client URLs, for the DCS clients that have not moved yet.
func TestEtcdTLS(t *testing.T) {
	spec, err := stacks.Load(func(k string) (string, bool) {
		v, ok := map[string]string{
			stacks.KeySSH:     `{"user":"root","privateKeyFile":"/dev/null"}`,
			stacks.KeyCluster: `{"name":"pg-test","members":[{"seq":1,"ip":"10.213.0.11","role":"primary"}]}`,
		}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	name := spec.Etcd.Members[0]
	env := string(EtcdEnv(spec, name).Content)
	if strings.Contains(env, "http://") {
		t.Errorf("etcd's settings name a plain URL:\n%s", env)
	}
	for _, want := range []string{
		`ETCD_LISTEN_CLIENT_URLS="https://10.213.0.11:2379,https://127.0.0.1:2379"`,
		`ETCD_CERT_FILE="` + ServerCertPath + `"`, `ETCD_KEY_FILE="` + EtcdKeyPath + `"`,
		`ETCD_PEER_TRUSTED_CA_FILE="` + CACertPath + `"`, `ETCD_PEER_CLIENT_CERT_AUTH="true"`,
	} {
		if !strings.Contains(env, want) {
			t.Errorf("etcd's settings lack %s:\n%s", want, env)
		}
	}
	move := string(EtcdMove(spec, name).Content)
	for _, want := range []string{"http://10.213.0.11:2379,http://127.0.0.1:2379", `ETCD_LISTEN_PEER_URLS="http://10.213.0.11:2380"`, `ETCD_ADVERTISE_CLIENT_URLS="http://10.213.0.11:2379"`} {
		if !strings.Contains(move, want) {
			t.Errorf("the move's settings lack %s:\n%s", want, move)
		}
	}
	if got := string(EtcdDropIn().Content); !strings.Contains(got, "EnvironmentFile=-"+EtcdMovePath) {
		t.Errorf("etcd's drop-in does not read the move's settings:\n%s", got)
	}
}
