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
