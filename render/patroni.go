package render

import (
	"fmt"
	"strings"

	"pgsvc/stacks"
)

// Patroni's DCS namespace: leader keys are /pg/<cluster>/leader, as in Pigsty.
const patroniNamespace = "/pg/"

// LeaderKey is the DCS key vip-manager watches.
func LeaderKey(c *stacks.Cluster) string {
	return patroniNamespace + c.Name + "/leader"
}

// DataDir is where a member's PostgreSQL data lives.
func DataDir(c *stacks.Cluster) string {
	return fmt.Sprintf("/var/lib/postgresql/%d/%s", c.Version, c.Name)
}

// PatroniConfig is /etc/patroni/config.yml, read by Debian's patroni.service, for member m.
func PatroniConfig(s *stacks.Spec, c *stacks.Cluster, m stacks.Member, sec Secrets) File {
	var hosts []string
	for _, e := range EtcdEndpoints(s) {
		hosts = append(hosts, strings.TrimPrefix(e, "http://"))
	}
	data := map[string]any{
		"C": c, "M": m, "Name": c.MemberName(m), "Plan": c.Plan(), "Namespace": patroniNamespace,
		"EtcdSection": map[string]string{stacks.DCSv2: "etcd", stacks.DCSv3: "etcd3"}[s.Etcd.API],
		"EtcdHosts":   strings.Join(hosts, ","), "DataDir": DataDir(c),
		"DCS":       indent(string(PatroniDynamicConfig(c)), "    "),
		"BinDir":    fmt.Sprintf("/usr/lib/postgresql/%d/bin", c.Version),
		"Superuser": sec[SecretSuperuser], "Replication": sec[SecretReplication],
		"APIPassword": sec[SecretPatroniAPI],
		"EtcdUser":    EtcdUser(c), "EtcdPassword": sec[SecretEtcdCluster],
		"NoFailover":    m.Role == stacks.RoleOffline || m.Delay != "",
		"NoLoadBalance": m.Delay != "",
		"OnRoleChange":  PatroniRoleChangePath,
	}
	return File{Path: "/etc/patroni/config.yml", Mode: "0600", Owner: userPostgres, Group: userPostgres,
		Content: execute("patroni.yml.tmpl", data), Secret: true}
}

// PatroniRoleChangeScript is /etc/patroni/on-role-change.sh, Patroni's on_role_change callback
// on member m: it makes the node's PgBouncer announce the member's new role to new clients.
func PatroniRoleChangeScript(c *stacks.Cluster, m stacks.Member) File {
	data := map[string]any{"Name": c.MemberName(m), "Postgres": c.Ports.Postgres, "PgBouncer": c.Ports.PgBouncer}
	return File{Path: PatroniRoleChangePath, Mode: "0755", Owner: userRoot, Group: userRoot,
		Content: execute("patroni-on-role-change.sh.tmpl", data)}
}

// PatroniRoleChangePath is where Patroni finds its on_role_change callback.
const PatroniRoleChangePath = "/etc/patroni/on-role-change.sh"

// PatroniDynamicConfig is the cluster-wide part of Patroni's configuration, which lives in the
// DCS: patroni.yml seeds it at bootstrap, and later changes are applied with patronictl.
func PatroniDynamicConfig(c *stacks.Cluster) []byte {
	return execute("patroni-dynamic.yml.tmpl", c)
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
