package stacks

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
)

// TLS is the environment's certificate authority and the certificates it issues to the nodes.
type TLS struct {
	// Rotation is a label (up to 32 of a-z, 0-9 and '-'); changing it issues every node a new
	// key and certificate (the CA stays).
	Rotation string `json:"rotation"`
	// CADays and CertDays are how long the CA and the node certificates are valid.
	CADays   int `json:"caDays"`
	CertDays int `json:"certDays"`
}

// TLS modes of a cluster's PostgreSQL and PgBouncer listeners.
const (
	TLSOff     = "off"
	TLSPrefer  = "prefer"
	TLSRequire = "require"
)

var rotationLabel = regexp.MustCompile(`^[a-z0-9-]{0,32}$`)

func (t TLS) validate(p *problems) {
	if t.CADays < 1 || t.CADays > 36500 {
		p.add(KeyTLS+".caDays", t.CADays, "must be between 1 and 36500")
	}
	if t.CertDays < 1 || t.CertDays > t.CADays {
		p.add(KeyTLS+".certDays", t.CertDays, "must be between 1 and caDays (%d): a certificate cannot outlive its CA", t.CADays)
	}
	if !rotationLabel.MatchString(t.Rotation) {
		p.add(KeyTLS+".rotation", t.Rotation, "must be up to 32 lower-case letters, digits and '-'")
	}
}

// validateTLS checks the cluster's TLS mode.
func (c *Cluster) validateTLS(p *problems) {
	if !slices.Contains([]string{TLSOff, TLSPrefer, TLSRequire}, c.TLS) {
		p.add(c.Key()+".tls", c.TLS, "must be one of off, prefer, require")
	}
}

// WebTLS reports whether the cluster's HTTP endpoints, Patroni's REST API and HAProxy's stats
// page, are served over HTTPS (every TLS mode but off). HAProxy's checks follow.
func (c *Cluster) WebTLS() bool {
	return c.TLS != TLSOff
}

// PatroniURL is the URL of path on the Patroni REST API of the member at ip.
func (c *Cluster) PatroniURL(ip, path string) string {
	scheme := "http"
	if c.WebTLS() {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s%s", scheme, netip.AddrPortFrom(netip.MustParseAddr(ip), uint16(c.Ports.Patroni)), path)
}

// ServerNames are the names and addresses a machine's certificate covers: every name a client
// may reach it by with sslmode=verify-full. That is the machine's own names and address, the
// loopback forms, and, on a member, every host form of its cluster: any member's name (bare and
// with the cluster's DNS suffix) and address, the cluster's name and VIP. Every member's HAProxy
// routes services to whichever member serves, and DNS and the VIP follow the primary, so a
// client that asked for one member may be answered by another.
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
		if !slices.ContainsFunc(c.Members, func(mem Member) bool { return mem.IP == m.IP }) {
			continue
		}
		dns = append(dns, c.Name, c.Name+c.DNS.Suffix)
		for _, mem := range c.Members {
			dns = append(dns, c.MemberName(mem), c.MemberName(mem)+c.DNS.Suffix)
			ips = append(ips, mem.IP)
		}
		if c.VIP.Enabled {
			ips = append(ips, c.VIP.Address)
		}
	}
	return compactSorted(dns), compactSorted(ips)
}

func compactSorted(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
