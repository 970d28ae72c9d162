package stacks

import (
	"net/netip"
	"regexp"
)

// DNS targets for the cluster name.
const (
	DNSAuto    = "auto"
	DNSPrimary = "primary"
	DNSVIP     = "vip"
	DNSNone    = "none"
)

// DNS is what the infra nodes' dnsmasq answers for the cluster.
type DNS struct {
	// Target: auto (the VIP when enabled, else the primary), primary, vip, none, or an IP.
	Target string `json:"target"`
	// Suffix is appended to every record name (e.g. ".pg.lan"); empty for bare names.
	Suffix string `json:"suffix"`
}

var dnsSuffix = regexp.MustCompile(`^(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

func (c *Cluster) validateDNS(p *problems) {
	key := c.Key() + ".dns"
	switch t := c.DNS.Target; t {
	case DNSAuto, DNSPrimary, DNSNone:
	case DNSVIP:
		if !c.VIP.Enabled {
			p.add(key+".target", t, "the VIP is not enabled")
		}
	default:
		if ip, err := netip.ParseAddr(t); err != nil || !ip.Is4() {
			p.add(key+".target", t, "must be auto, primary, vip, none or an IPv4 address")
		}
	}
	if c.DNS.Suffix != "" && !dnsSuffix.MatchString(c.DNS.Suffix) {
		p.add(key+".suffix", c.DNS.Suffix, "must be empty or like .pg.lan")
	}
}

// validateDNSNames keeps every name dnsmasq answers (clusters and instances) unique.
func (s *Spec) validateDNSNames(p *problems) {
	owner := map[string]string{}
	for i := range s.Clusters {
		c := &s.Clusters[i]
		names := []string{c.Name + c.DNS.Suffix}
		for _, m := range c.Members {
			names = append(names, c.MemberName(m)+c.DNS.Suffix)
		}
		for _, n := range names {
			if other, dup := owner[n]; dup && other != c.Name {
				p.add(c.Key()+".name", c.Name, "DNS name %s is also answered for cluster %s", n, other)
			}
			owner[n] = c.Name
		}
	}
}
