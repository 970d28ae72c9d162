package stacks

import "slices"

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
