package stacks

// Ports of the per-node daemons.
type Ports struct {
	Postgres     int `json:"postgres"`
	PgBouncer    int `json:"pgbouncer"`
	Patroni      int `json:"patroni"`
	HAProxyStats int `json:"haproxyStats"`
}

func validPort(p *problems, key string, port int) bool {
	if port < 1 || port > 65535 {
		p.add(key, port, "must be a port between 1 and 65535")
		return false
	}
	return true
}

// validatePorts checks the daemons' ports and returns them by port, to keep services off them.
func (c *Cluster) validatePorts(p *problems) map[int]string {
	fixed := map[int]string{22: "ssh"}
	for _, f := range []struct {
		name string
		port int
	}{{"postgres", c.Ports.Postgres}, {"pgbouncer", c.Ports.PgBouncer}, {"patroni", c.Ports.Patroni}, {"haproxyStats", c.Ports.HAProxyStats}} {
		key := c.Key() + ".ports." + f.name
		validPort(p, key, f.port)
		if other, dup := fixed[f.port]; dup {
			p.add(key, f.port, "already used by %s", other)
		}
		fixed[f.port] = f.name
	}
	return fixed
}

// validateSharedPorts keeps a cluster's ports off the ports that etcd and dnsmasq hold on the
// same machine.
func (s *Spec) validateSharedPorts(p *problems) {
	ips := s.NodeIPs()
	held := map[string]map[int]string{}
	hold := func(ip string, port int, what string) {
		if held[ip] == nil {
			held[ip] = map[int]string{}
		}
		held[ip][port] = what
	}
	for _, n := range s.Infra {
		hold(n.IP, 53, "dnsmasq on "+n.Name)
	}
	for _, name := range s.Etcd.Members {
		hold(ips[name], s.Etcd.ClientPort, "etcd's client port on "+name)
		hold(ips[name], s.Etcd.PeerPort, "etcd's peer port on "+name)
	}
	for i := range s.Clusters {
		c := &s.Clusters[i]
		for _, m := range c.Members {
			for _, cp := range c.ports() {
				if what, taken := held[m.IP][cp.port]; taken {
					p.add(cp.key, cp.port, "collides with %s (member %s)", what, c.MemberName(m))
				}
			}
		}
	}
}

type keyedPort struct {
	key  string
	port int
}

// ports are the ports the cluster's daemons and services listen on, by config key.
func (c *Cluster) ports() []keyedPort {
	out := []keyedPort{
		{c.Key() + ".ports.postgres", c.Ports.Postgres}, {c.Key() + ".ports.pgbouncer", c.Ports.PgBouncer},
		{c.Key() + ".ports.patroni", c.Ports.Patroni}, {c.Key() + ".ports.haproxyStats", c.Ports.HAProxyStats},
	}
	for i, svc := range c.AllServices() {
		out = append(out, keyedPort{c.serviceKey(i) + ".port", svc.Port})
	}
	return out
}
