package render

import (
	"fmt"
	"net/netip"
	"strings"

	"pgsvc/stacks"
)

// EtcdMember is one member of the DCS with its peer address.
type EtcdMember struct {
	Name string
	IP   string
}

// EtcdMembers resolves the spec's etcd member names to addresses.
func EtcdMembers(s *stacks.Spec) []EtcdMember {
	ips := s.NodeIPs()
	var out []EtcdMember
	for _, name := range s.Etcd.Members {
		out = append(out, EtcdMember{Name: name, IP: ips[name]})
	}
	return out
}

// EtcdHosts are the client addresses (host:port) of every member.
func EtcdHosts(s *stacks.Spec) []string {
	var out []string
	for _, m := range EtcdMembers(s) {
		out = append(out, hostPort(m.IP, s.Etcd.ClientPort))
	}
	return out
}

// EtcdEndpoints are the client URLs of every member: etcd serves its clients over TLS only.
func EtcdEndpoints(s *stacks.Spec) []string {
	var out []string
	for _, h := range EtcdHosts(s) {
		out = append(out, "https://"+h)
	}
	return out
}

func hostPort(ip string, port int) string {
	return netip.AddrPortFrom(netip.MustParseAddr(ip), uint16(port)).String()
}

// EtcdEnv is /etc/default/etcd, read by Debian's etcd.service, for the member named name. Clients
// and peers speak TLS with the node's certificate; peers must show one the CA signed.
func EtcdEnv(s *stacks.Spec, name string) File {
	return File{Path: "/etc/default/etcd", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("etcd.env.tmpl", etcdEnvData(s, name))}
}

func etcdEnvData(s *stacks.Spec, name string) map[string]any {
	var initial []string
	for _, m := range EtcdMembers(s) {
		initial = append(initial, fmt.Sprintf("%s=https://%s", m.Name, hostPort(m.IP, s.Etcd.PeerPort)))
	}
	return map[string]any{
		"Name": name, "IP": s.NodeIPs()[name], "ClientPort": s.Etcd.ClientPort, "PeerPort": s.Etcd.PeerPort,
		"InitialCluster": initial, "EnableV2": s.Etcd.API == stacks.DCSv2,
		"Cert": ServerCertPath, "Key": EtcdKeyPath, "CA": CACertPath,
	}
}

// EtcdDropIn makes Debian's etcd.service read EtcdMovePath when it exists.
func EtcdDropIn() File {
	return File{Path: "/etc/systemd/system/etcd.service.d/pgsvc.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("etcd-dropin.conf.tmpl", map[string]string{"Env": EtcdMovePath})}
}

// EtcdUser is the cluster's own etcd user (and role): Patroni logs in with it,
// and it may touch only the cluster's keys.
func EtcdUser(c *stacks.Cluster) string {
	return c.Name
}

// EtcdUserInput is the stdin of the etcd authentication scripts: the root password, then the
// cluster user's (the scripts that need no user read an empty line).
func EtcdUserInput(sec Secrets) []byte {
	return []byte(sec[SecretEtcdRoot] + "\n" + sec[SecretEtcdCluster] + "\n")
}

// EtcdRootScript sets etcd's root user in both APIs (or checks its password once
// authentication is on). It reads the root password from stdin.
func EtcdRootScript(s *stacks.Spec) []byte {
	return execute("etcd-root.sh.tmpl", etcdAuthData(s, nil))
}

// EtcdUserScript makes the cluster's etcd user and its role, which reaches only the cluster's
// DCS keys, whether or not authentication is on yet; stdin is EtcdUserInput.
func EtcdUserScript(s *stacks.Spec, c *stacks.Cluster) []byte {
	return execute("etcd-user.sh.tmpl", etcdAuthData(s, c))
}

// EtcdUserRemoveScript removes the cluster's etcd user and role when the cluster leaves.
func EtcdUserRemoveScript(s *stacks.Spec, c *stacks.Cluster) []byte {
	return execute("etcd-user-remove.sh.tmpl", etcdAuthData(s, c))
}

// EtcdAuthScript turns on authentication in both of etcd's APIs and takes every key from
// anonymous clients. It runs on one etcd member after root, every cluster's user and every DCS
// client's credentials are in place, and converges from any earlier state.
func EtcdAuthScript(s *stacks.Spec) []byte {
	return execute("etcd-auth.sh.tmpl", etcdAuthData(s, nil))
}

// EtcdAuthOffScript turns authentication off again, so that a later deploy with new passwords
// finds an open etcd; users and roles stay.
func EtcdAuthOffScript(s *stacks.Spec) []byte {
	return execute("etcd-auth-off.sh.tmpl", etcdAuthData(s, nil))
}

// etcdAuthData is what the scripts need: the cluster's user and keys, or for the environment's
// scripts, the namespace every cluster's keys live under.
func etcdAuthData(s *stacks.Spec, c *stacks.Cluster) map[string]any {
	data := map[string]any{"Port": s.Etcd.ClientPort, "V3": s.Etcd.API == stacks.DCSv3, "Prefix": strings.TrimSuffix(patroniNamespace, "/"), "CA": CACertPath}
	if c != nil {
		data["User"], data["Prefix"] = EtcdUser(c), patroniNamespace+c.Name
	}
	return data
}
