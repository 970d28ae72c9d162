package render

import (
	"fmt"

	"pgsvc/stacks"
)

// DNSHostsDir is dnsmasq's hostsdir: files there are re-read on change, without a restart.
const DNSHostsDir = "/etc/pgsvc/dns"

// DnsmasqConfig is /etc/dnsmasq.d/pgsvc.conf on infra node n.
func DnsmasqConfig(n stacks.Node) File {
	return File{Path: "/etc/dnsmasq.d/pgsvc.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("dnsmasq.conf.tmpl", map[string]string{"IP": n.IP, "Dir": DNSHostsDir})}
}

// DNSRecord is one name dnsmasq answers.
type DNSRecord struct{ IP, Name string }

// DNSRecords are the cluster's names: each member, and the cluster name on the DNS target.
func DNSRecords(c *stacks.Cluster) []DNSRecord {
	var out []DNSRecord
	if target := clusterDNSTarget(c); target != "" {
		out = append(out, DNSRecord{target, c.Name + c.DNS.Suffix})
	}
	for _, m := range c.Members {
		out = append(out, DNSRecord{m.IP, c.MemberName(m) + c.DNS.Suffix})
	}
	return out
}

func clusterDNSTarget(c *stacks.Cluster) string {
	switch c.DNS.Target {
	case stacks.DNSNone:
		return ""
	case stacks.DNSVIP:
		return c.VIP.Address
	case stacks.DNSPrimary:
		return c.Primary().IP
	case stacks.DNSAuto:
		if c.VIP.Enabled {
			return c.VIP.Address
		}
		return c.Primary().IP
	}
	return c.DNS.Target
}

// DNSHosts is the cluster's records file in the hostsdir.
func DNSHosts(c *stacks.Cluster) File {
	return File{Path: fmt.Sprintf("%s/%s", DNSHostsDir, c.Name), Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("dnsmasq-hosts.tmpl", DNSRecords(c))}
}
