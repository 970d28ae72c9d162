package render

import (
	"fmt"
	"net/netip"

	"pgsvc/stacks"
)

// EtcdMember is one member of the DCS with its peer address.
type EtcdMember struct {
	Name string
	IP   string
}

// EtcdMembers resolves the spec's etcd member names to addresses.
func EtcdMembers(s *stacks.Spec) []EtcdMember {
	ips := NodeIPs(s)
	var out []EtcdMember
	for _, name := range s.Etcd.Members {
		out = append(out, EtcdMember{Name: name, IP: ips[name]})
	}
	return out
}

// NodeIPs maps every node name, infra and member, to its IP.
func NodeIPs(s *stacks.Spec) map[string]string {
	ips := map[string]string{}
	for _, n := range s.Infra {
		ips[n.Name] = n.IP
	}
	for _, m := range s.Cluster.Members {
		ips[s.Cluster.MemberName(m)] = m.IP
	}
	return ips
}

// EtcdEndpoints are the client URLs of every member.
func EtcdEndpoints(s *stacks.Spec) []string {
	var out []string
	for _, m := range EtcdMembers(s) {
		out = append(out, "http://"+netip.AddrPortFrom(netip.MustParseAddr(m.IP), uint16(s.Etcd.ClientPort)).String())
	}
	return out
}

// EtcdEnv is /etc/default/etcd, read by Debian's etcd.service, for the member named name.
func EtcdEnv(s *stacks.Spec, name string) File {
	ip := NodeIPs(s)[name]
	var initial []string
	for _, m := range EtcdMembers(s) {
		initial = append(initial, fmt.Sprintf("%s=http://%s:%d", m.Name, m.IP, s.Etcd.PeerPort))
	}
	data := map[string]any{
		"Name": name, "IP": ip, "ClientPort": s.Etcd.ClientPort, "PeerPort": s.Etcd.PeerPort,
		"InitialCluster": initial, "EnableV2": s.Etcd.API == stacks.DCSv2,
	}
	return File{Path: "/etc/default/etcd", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("etcd.env.tmpl", data)}
}

// EtcdUser is the cluster's own etcd user (and role): Patroni and vip-manager log in with it,
// and it may touch only the cluster's keys.
func EtcdUser(c *stacks.Cluster) string {
	return c.Name
}

// EtcdAuthInput is the stdin of the etcd authentication scripts: the root password, then the
// cluster user's.
func EtcdAuthInput(sec Secrets) []byte {
	return []byte(sec[SecretEtcdRoot] + "\n" + sec[SecretEtcdCluster] + "\n")
}

// EtcdAuthScript turns on authentication in both of etcd's APIs: a root user, and a cluster user
// whose role reaches only the cluster's DCS keys; anonymous clients get nothing. It is run on
// one etcd member after every DCS client has its credentials, converges from any earlier
// state, and reads the passwords from stdin (EtcdAuthInput).
func EtcdAuthScript(s *stacks.Spec) []byte {
	return execute("etcd-auth.sh.tmpl", etcdAuthData(s))
}

// EtcdAuthOffScript turns authentication off again, so that a later deploy with new passwords
// finds an open etcd; users and roles stay.
func EtcdAuthOffScript(s *stacks.Spec) []byte {
	return execute("etcd-auth-off.sh.tmpl", etcdAuthData(s))
}

func etcdAuthData(s *stacks.Spec) map[string]any {
	prefix := patroniNamespace + s.Cluster.Name
	return map[string]any{
		"Port": s.Etcd.ClientPort, "User": EtcdUser(&s.Cluster), "Prefix": prefix, "V3": s.Etcd.API == stacks.DCSv3,
	}
}
