package stacks

import (
	"maps"
	"net/netip"
	"regexp"
	"slices"
)

// VIP is an L2 address that pgsvc keeps on the member Patroni reports the primary.
type VIP struct {
	Enabled   bool   `json:"enabled"`
	Address   string `json:"address"`
	Prefix    int    `json:"prefix"`
	Interface string `json:"interface"`
}

var ifaceName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,15}$`)

// validateVIP checks the VIP against the cluster's own members; Spec.validateVIPs checks it
// against the other nodes and clusters.
func (c *Cluster) validateVIP(p *problems) {
	key := c.Key() + ".vip"
	if c.VIP.Prefix < 8 || c.VIP.Prefix > 32 {
		p.add(key+".prefix", c.VIP.Prefix, "must be between 8 and 32")
		return
	}
	if !c.VIP.Enabled {
		return
	}
	if !ifaceName.MatchString(c.VIP.Interface) {
		p.add(key+".interface", c.VIP.Interface, "not a network interface name")
	}
	vip, err := netip.ParseAddr(c.VIP.Address)
	if err != nil || !vip.Is4() {
		p.add(key+".address", c.VIP.Address, "not an IPv4 address")
		return
	}
	subnet, _ := vip.Prefix(c.VIP.Prefix)
	for _, m := range c.Members {
		ip, err := netip.ParseAddr(m.IP)
		if err != nil {
			continue
		}
		if ip == vip {
			p.add(key+".address", c.VIP.Address, "equals the address of member %s", c.MemberName(m))
		} else if !subnet.Contains(ip) {
			p.add(key+".address", c.VIP.Address, "member %s (%s) is outside the VIP's subnet %s", c.MemberName(m), m.IP, subnet)
		}
	}
	if vip == subnet.Addr() || vip == lastAddr(subnet) {
		p.add(key+".address", c.VIP.Address, "is the network or broadcast address of %s", subnet)
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := (uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// validateVIPs keeps each cluster's VIP off every node and every other cluster's VIP.
func (s *Spec) validateVIPs(p *problems, nodes map[string]netip.Addr) {
	vips := map[string]string{}
	for i := range s.Clusters {
		c := &s.Clusters[i]
		if !c.VIP.Enabled {
			continue
		}
		key := c.Key() + ".vip.address"
		if other, dup := vips[c.VIP.Address]; dup {
			p.add(key, c.VIP.Address, "already the VIP of cluster %s", other)
		}
		vips[c.VIP.Address] = c.Name
		vip, err := netip.ParseAddr(c.VIP.Address)
		if err != nil {
			continue
		}
		own := map[string]bool{}
		for _, m := range c.Members {
			own[c.MemberName(m)] = true
		}
		for _, name := range slices.Sorted(maps.Keys(nodes)) {
			if nodes[name] == vip && !own[name] {
				p.add(key, c.VIP.Address, "equals the address of node %s", name)
			}
		}
	}
}
