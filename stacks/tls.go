package stacks

import "slices"

// ServerNames are the names and addresses a machine's certificate covers: every name a client
// may reach it by with sslmode=verify-full. That is the machine's own names and address, each
// instance it runs (bare and with its cluster's DNS suffix), the cluster's name (bare and
// suffixed) and VIP, since services and DNS send those to whichever member serves, and the
// loopback forms for local clients.
func (s *Spec) ServerNames(m Machine) (dns, ips []string) {
	dns = []string{m.Name, "localhost"}
	ips = []string{m.IP, "127.0.0.1"}
	for _, n := range s.Infra {
		if n.IP == m.IP {
			dns = append(dns, n.Name)
		}
	}
	for ci := range s.Clusters {
		c := &s.Clusters[ci]
		for _, mem := range c.Members {
			if mem.IP != m.IP {
				continue
			}
			dns = append(dns, c.MemberName(mem), c.MemberName(mem)+c.DNS.Suffix, c.Name, c.Name+c.DNS.Suffix)
			if c.VIP.Enabled {
				ips = append(ips, c.VIP.Address)
			}
		}
	}
	return compactSorted(dns), compactSorted(ips)
}

func compactSorted(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
