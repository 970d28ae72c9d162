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

// keyedPort is a port the cluster listens on and the config key that sets it.
type keyedPort struct {
	key string
	// name is the daemon's, as in its key; empty for a service
	name string
	port int
}

// daemonPorts are the ports of the cluster's daemons.
func (c *Cluster) daemonPorts() []keyedPort {
	daemon := func(name string, port int) keyedPort { return keyedPort{c.Key() + ".ports." + name, name, port} }
	return []keyedPort{
		daemon("postgres", c.Ports.Postgres), daemon("pgbouncer", c.Ports.PgBouncer),
		daemon("patroni", c.Ports.Patroni), daemon("haproxyStats", c.Ports.HAProxyStats),
	}
}

// ports are the ports the cluster's daemons and then its services (in AllServices order) listen on.
func (c *Cluster) ports() []keyedPort {
	out := c.daemonPorts()
	for i, svc := range c.AllServices() {
		out = append(out, keyedPort{key: c.serviceKey(i) + ".port", port: svc.Port})
	}
	return out
}

// validatePorts checks the daemons' ports and returns them by port, to keep services off them;
// validateServices checks the services' ports.
func (c *Cluster) validatePorts(p *problems) map[int]string {
	fixed := map[int]string{22: "ssh"}
	for _, d := range c.daemonPorts() {
		validPort(p, d.key, d.port)
		if other, dup := fixed[d.port]; dup {
			p.add(d.key, d.port, "already used by %s", other)
		}
		fixed[d.port] = d.name
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
