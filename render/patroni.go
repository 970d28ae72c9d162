package render

import (
	"fmt"
	"strings"

	"pgsvc/stacks"
)

// Patroni's DCS namespace: leader keys are /pg/<cluster>/leader, as in Pigsty.
const patroniNamespace = "/pg/"

// DataDir is where a member's PostgreSQL data lives.
func DataDir(c *stacks.Cluster) string {
	return fmt.Sprintf("/var/lib/postgresql/%d/%s", c.Version, c.Name)
}

// PatroniConfigPath is where Debian's patroni.service reads its config.
const PatroniConfigPath = "/etc/patroni/config.yml"

// PatroniConfig is /etc/patroni/config.yml, read by Debian's patroni.service, for member m.
func PatroniConfig(s *stacks.Spec, c *stacks.Cluster, m stacks.Member, sec Secrets) File {
	data := map[string]any{
		"C": c, "M": m, "Name": c.MemberName(m), "Plan": c.Plan(), "Namespace": patroniNamespace,
		"EtcdSection": patroniEtcdSection(s), "CA": CACertPath,
		"EtcdHosts": strings.Join(EtcdHosts(s), ","), "DataDir": DataDir(c), "DCSClient": PatroniDCSClientMarker + " " + PatroniDCSClient(s),
		"DCS":       indent(string(PatroniDynamicConfig(c)), "    "),
		"BinDir":    binDir(c),
		"Superuser": sec[SecretSuperuser], "Replication": sec[SecretReplication],
		"APIPassword": sec[SecretPatroniAPI],
		"EtcdUser":    EtcdUser(c), "EtcdPassword": sec[SecretEtcdCluster],
		"NoFailover":    m.Role == stacks.RoleOffline || m.Delay != "",
		"NoLoadBalance": m.Delay != "",
		"Callback":      PatroniCallbackPath,
		"HBAHost":       hbaHost(c),
		"TLS":           postgresTLS,
	}
	return File{Path: PatroniConfigPath, Mode: "0600", Owner: userPostgres, Group: userPostgres,
		Content: execute("patroni.yml.tmpl", data), Secret: true}
}

// PatroniDCSClientMarker starts the comment line of config.yml that holds PatroniDCSClient.
const PatroniDCSClientMarker = "# pgsvc dcs-client:"

// PatroniDCSClient sums up how Patroni reaches etcd, apart from which members it starts from:
// the API, the scheme and the CA. Patroni reads these only when it starts, so a change of them
// restarts it, member by member, a leader handing over first.
func PatroniDCSClient(s *stacks.Spec) string {
	return fmt.Sprintf("%s https %s", patroniEtcdSection(s), CACertPath)
}

func patroniEtcdSection(s *stacks.Spec) string {
	return map[string]string{stacks.DCSv2: "etcd", stacks.DCSv3: "etcd3"}[s.Etcd.API]
}

// PatroniCallback is Patroni's callback on member m after PostgreSQL stops, starts, restarts or
// changes role. It pauses PgBouncer when the primary stops, resumes it once PostgreSQL runs again
// (first closing the held clients of a demoted primary), and makes PgBouncer announce the
// member's current role to new clients.
func PatroniCallback(c *stacks.Cluster, m stacks.Member) File {
	data := map[string]any{
		"Name": c.MemberName(m), "Postgres": c.Ports.Postgres, "PgBouncer": c.Ports.PgBouncer,
		"Marker": PgBouncerPausedMarker, "StatSocket": HAProxyStatSocket, "Routing": HAProxyRoutingPath,
	}
	return File{Path: PatroniCallbackPath, Mode: "0755", Owner: userRoot, Group: userRoot,
		Content: execute("patroni-callback.sh.tmpl", data)}
}

// PatroniCallbackPath is where Patroni finds its callback.
const PatroniCallbackPath = "/etc/patroni/callback.sh"

// PgBouncerPausedMarker exists while the callback holds PgBouncer paused; its mtime is when the
// pause began. It lives on the tmpfs of PostgreSQL's sockets, owned by postgres; PgBouncer removes
// it when it starts, unpaused.
const PgBouncerPausedMarker = "/var/run/postgresql/pgsvc-pgbouncer-paused"

// PatroniDynamicConfig is the cluster-wide part of Patroni's configuration, which lives in the
// DCS: patroni.yml seeds it at bootstrap, and later changes are applied with patronictl.
func PatroniDynamicConfig(c *stacks.Cluster) []byte {
	return execute("patroni-dynamic.yml.tmpl", map[string]any{"C": c,
		"TLS": postgresTLS})
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" && l != "\n" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// PatroniGuardUnit is the systemd service that brings a PostgreSQL that Patroni rejects back
// under Patroni.
const PatroniGuardUnit = "pgsvc-patroni-guard"

// PatroniGuardScript is the path of the guard's script.
const PatroniGuardScript = "/usr/local/lib/pgsvc/patroni-guard.sh"

// patroniGuardEvery is how often the guard looks, in seconds.
const patroniGuardEvery = 5

// PatroniGuard is the guard's script on member m. It acts on what Patroni logged within the last
// three loops (at least 15 s).
func PatroniGuard(c *stacks.Cluster, m stacks.Member) File {
	data := map[string]any{"Name": c.MemberName(m), "DataDir": DataDir(c), "BinDir": binDir(c),
		"Every": patroniGuardEvery, "Window": max(3*c.Plan().LoopWait, 15)}
	return File{Path: PatroniGuardScript, Mode: "0755", Owner: userRoot, Group: userRoot,
		Content: execute("patroni-guard.sh.tmpl", data)}
}

// PatroniGuardService is the guard's unit file.
func PatroniGuardService() File {
	return File{Path: "/etc/systemd/system/" + PatroniGuardUnit + ".service", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("patroni-guard.service.tmpl", map[string]any{"Script": PatroniGuardScript})}
}

func binDir(c *stacks.Cluster) string {
	return fmt.Sprintf("/usr/lib/postgresql/%d/bin", c.Version)
}
