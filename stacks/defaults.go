package stacks

import (
	"net/netip"
	"slices"
)

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// applyDefaults fills in Pigsty's defaults for everything the stack leaves unset.
func applyDefaults(s *Spec) {
	setDefault(&s.SSH.User, "root")
	setDefault(&s.SSH.Port, 22)

	for i := range s.Clusters {
		applyClusterDefaults(&s.Clusters[i])
	}
	setDefault(&s.Etcd.ClientPort, 2379)
	setDefault(&s.Etcd.PeerPort, 2380)
	setDefault(&s.Etcd.API, DCSv2)
	setDefault(&s.TLS.CADays, 3650)
	setDefault(&s.TLS.CertDays, 825)
	if s.Etcd.Members == nil {
		s.Etcd.Members = defaultEtcdMembers(s)
	}
}

func applyClusterDefaults(c *Cluster) {
	setDefault(&c.Version, 15)
	setDefault(&c.TLS, TLSPrefer)
	setDefault(&c.Ports.Postgres, 5432)
	setDefault(&c.Ports.PgBouncer, 6432)
	setDefault(&c.Ports.Patroni, 8008)
	setDefault(&c.Ports.HAProxyStats, 9101)
	setDefault(&c.RTO, "norm")
	setDefault(&c.MaxLagOnFailover, 1048576)
	if c.DefaultServices == nil {
		c.DefaultServices = slices.Clone(defaultServiceNames)
	}
	for i := range c.Members {
		setDefault(&c.Members[i].Weight, 100)
	}
	for i := range c.Services {
		setServiceDefaults(&c.Services[i])
	}
	setDefault(&c.VIP.Prefix, 24)
	setDefault(&c.VIP.Interface, "eth0")
	setDefault(&c.DNS.Target, DNSAuto)
	setDefault(&c.PgBouncer.PoolMode, "transaction")
	setDefault(&c.PgBouncer.DefaultPoolSize, 50)
	setDefault(&c.PgBouncer.ReservePoolSize, 30)
	setDefault(&c.PgBouncer.QueryWaitTimeout, "10s")
	for i := range c.Users {
		if c.Users[i].PgBouncer == nil {
			c.Users[i].PgBouncer = boolp(true)
		}
	}
	for i := range c.Databases {
		setDefault(&c.Databases[i].Owner, "postgres")
	}
	if c.AllowedNetworks == nil && len(c.Members) > 0 {
		if addr, err := netip.ParseAddr(c.Members[0].IP); err == nil {
			if prefix, err := addr.Prefix(c.VIP.Prefix); err == nil {
				c.AllowedNetworks = []string{prefix.String()}
			}
		}
	}
}

func setServiceDefaults(svc *Service) {
	setDefault(&svc.IP, "*")
	setDefault(&svc.Dest, DestDefault)
	setDefault(&svc.Check, "/primary")
	setDefault(&svc.BackupCheck, svc.Check)
	setDefault(&svc.MaxConn, 5000)
	setDefault(&svc.Balance, "roundrobin")
	setDefault(&svc.Hold, "5s")
}

// defaultEtcdMembers takes the machines in order (infra nodes first, then cluster members), up
// to an odd count of at most five, so the DCS keeps a quorum when any one node is lost.
func defaultEtcdMembers(s *Spec) []string {
	var names []string
	for _, m := range s.Machines() {
		names = append(names, m.Name)
	}
	if len(names) > 5 {
		names = names[:5]
	}
	if len(names) > 1 && len(names)%2 == 0 {
		names = names[:len(names)-1]
	}
	return names
}

// AllServices is the built-in services the cluster enables followed by its own, with defaults.
func (c *Cluster) AllServices() []Service {
	var out []Service
	for _, name := range c.DefaultServices {
		svc := builtinServices[name]
		setServiceDefaults(&svc)
		out = append(out, svc)
	}
	return append(out, c.Services...)
}
