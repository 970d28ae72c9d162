package stacks

import (
	"fmt"
	"net/netip"
	"slices"
)

// Node is a machine pgsvc manages.
type Node struct {
	Name string `json:"name"`
	IP   string `json:"ip"`
}

// Machine is one host of the environment. It is named after its infra node, or else after the
// instance it runs; a member whose address is an infra node's runs on that node.
type Machine struct {
	Name, IP string
	Infra    bool
	// Cluster is set on a machine that runs one of its instances.
	Cluster *Cluster
}

// Machines lists every host once: infra nodes first, then members cluster by cluster.
func (s *Spec) Machines() []Machine {
	var out []Machine
	byIP := map[string]int{}
	for _, n := range s.Infra {
		if _, dup := byIP[n.IP]; dup {
			continue
		}
		byIP[n.IP] = len(out)
		out = append(out, Machine{Name: n.Name, IP: n.IP, Infra: true})
	}
	for ci := range s.Clusters {
		c := &s.Clusters[ci]
		for _, m := range c.Members {
			i, ok := byIP[m.IP]
			if !ok {
				i = len(out)
				byIP[m.IP] = i
				out = append(out, Machine{Name: c.MemberName(m), IP: m.IP})
			}
			if out[i].Cluster == nil {
				out[i].Cluster = c
			}
		}
	}
	return out
}

// NodeIPs maps every name a host goes by, infra node or instance, to its IP.
func (s *Spec) NodeIPs() map[string]string {
	ips := map[string]string{}
	for _, n := range s.Infra {
		ips[n.Name] = n.IP
	}
	for ci := range s.Clusters {
		c := &s.Clusters[ci]
		for _, m := range c.Members {
			ips[c.MemberName(m)] = m.IP
		}
	}
	return ips
}

// MachineName is the name of the host that a node name (infra node or instance) is on.
func (s *Spec) MachineName(name string) string {
	ip, ok := s.NodeIPs()[name]
	if !ok {
		return name
	}
	for _, m := range s.Machines() {
		if m.IP == ip {
			return m.Name
		}
	}
	return name
}

// RunsEtcd reports whether the machine named machine runs an etcd member.
func (s *Spec) RunsEtcd(machine string) bool {
	return slices.ContainsFunc(s.Etcd.Members, func(e string) bool { return s.MachineName(e) == machine })
}

// validateNodes checks names and addresses across infra nodes and every cluster's members, and
// returns every node name with its IP. A member may run on an infra node (same address); a
// machine runs at most one cluster's instance.
func (s *Spec) validateNodes(p *problems) map[string]netip.Addr {
	nodes := map[string]netip.Addr{}
	infraByIP := map[netip.Addr]string{}
	type instance struct{ name, cluster string }
	memberByIP := map[netip.Addr]instance{}
	parseIP := func(key, text string) (netip.Addr, bool) {
		ip, err := netip.ParseAddr(text)
		if err != nil || !ip.Is4() {
			p.add(key+".ip", text, "not an IPv4 address")
			return ip, false
		}
		return ip, true
	}
	for i, n := range s.Infra {
		key := fmt.Sprintf("%s[%d]", KeyInfra, i)
		if !dnsLabel.MatchString(n.Name) {
			p.add(key+".name", n.Name, "not a valid host name (lower-case letters, digits and '-')")
		}
		if _, dup := nodes[n.Name]; dup {
			p.add(key+".name", n.Name, "duplicate node name")
		}
		ip, ok := parseIP(key, n.IP)
		if ok {
			if other, dup := infraByIP[ip]; dup {
				p.add(key+".ip", n.IP, "already used by node %s", other)
			} else {
				infraByIP[ip] = n.Name
			}
		}
		nodes[n.Name] = ip
	}
	for ci := range s.Clusters {
		c := &s.Clusters[ci]
		seqs := map[int]bool{}
		for i, m := range c.Members {
			key := fmt.Sprintf("%s.members[%d]", c.Key(), i)
			name := c.MemberName(m)
			if m.Seq < 1 {
				p.add(key+".seq", m.Seq, "must be a positive integer")
			} else if seqs[m.Seq] {
				p.add(key+".seq", m.Seq, "duplicate seq in cluster %s", c.Name)
			}
			seqs[m.Seq] = true
			ip, ok := parseIP(key, m.IP)
			if ok {
				switch other, dup := memberByIP[ip]; {
				case dup && other.cluster == c.Name:
					p.add(key+".ip", m.IP, "already used by node %s", other.name)
				case dup:
					p.add(key+".ip", m.IP, "already runs %s of cluster %s: a node runs one cluster's instance", other.name, other.cluster)
				default:
					memberByIP[ip] = instance{name, c.Name}
				}
			}
			if prev, dup := nodes[name]; dup && (!ok || prev != ip) {
				p.add(key+".seq", m.Seq, "instance name %s is already the name of another node (%s)", name, prev)
			}
			nodes[name] = ip
		}
	}
	return nodes
}
