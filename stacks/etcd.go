package stacks

import (
	"fmt"
	"net/netip"
)

// DCS API versions of etcd.
const (
	DCSv2 = "v2"
	DCSv3 = "v3"
)

// Etcd is the DCS: which nodes run an etcd member, and which API Patroni uses.
type Etcd struct {
	// Members are node names (infra nodes or cluster members).
	Members    []string `json:"members"`
	ClientPort int      `json:"clientPort"`
	PeerPort   int      `json:"peerPort"`
	// API is the etcd API Patroni speaks: v2 by default, as stacks deployed before run it.
	API string `json:"api"`
}

// validate checks the members against nodes, every node name with its IP.
func (e Etcd) validate(p *problems, nodes map[string]netip.Addr) {
	key := KeyEtcd
	switch n := len(e.Members); {
	case n == 0:
		p.add(key+".members", e.Members, "at least one etcd member is required")
	case n%2 == 0:
		p.add(key+".members", e.Members, "an even member count (%d) adds no fault tolerance; use an odd count", n)
	}
	seen := map[string]bool{}
	byIP := map[netip.Addr]string{}
	for i, name := range e.Members {
		ip, ok := nodes[name]
		switch other, dup := byIP[ip]; {
		case !ok:
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "no infra node or cluster member has this name")
		case seen[name]:
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "listed twice")
		case dup && ip.IsValid():
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "is on the same machine (%s) as etcd member %s", ip, other)
		default:
			byIP[ip] = name
		}
		seen[name] = true
	}
	validPort(p, key+".clientPort", e.ClientPort)
	validPort(p, key+".peerPort", e.PeerPort)
	if e.ClientPort == e.PeerPort {
		p.add(key+".peerPort", e.PeerPort, "equals the client port")
	}
	if e.API != DCSv2 && e.API != DCSv3 {
		p.add(key+".api", e.API, "must be %q or %q", DCSv2, DCSv3)
	}
}
