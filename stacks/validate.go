package stacks

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	dnsLabel      = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	dnsSuffix     = regexp.MustCompile(`^(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)
	rotationLabel = regexp.MustCompile(`^[a-z0-9-]{0,32}$`)
	sqlIdentifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	unixUser      = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	ifaceName     = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,15}$`)
	tagName       = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,63}$`)
	lagValue      = regexp.MustCompile(`^[0-9]+(B|kB|MB|GB|TB)?$`)
	// delays PostgreSQL accepts for recovery_min_apply_delay
	delayValue = regexp.MustCompile(`^[0-9]+(ms|s|min|h|d)$`)
)

// reservedUsers are roles pgsvc or PostgreSQL own.
// maxHold bounds a service's hold: clients and HAProxy's inspect buffer wait that long at most.
const maxHold = time.Minute

var reservedUsers = []string{"postgres", "replicator", "public", "pgbouncer"}

// baseRoles are Pigsty's group roles, which users may be granted.
var baseRoles = []string{"dbrole_readonly", "dbrole_offline", "dbrole_readwrite", "dbrole_admin"}

// patroniChecks are the Patroni REST endpoints HAProxy may check, and whether they take ?lag=.
var patroniChecks = map[string]bool{
	"/": false, "/primary": false, "/read-write": false, "/leader": false, "/standby-leader": false,
	"/replica": true, "/read-only": true, "/synchronous": true, "/sync": true,
	"/asynchronous": true, "/async": true, "/health": false, "/liveness": false, "/readiness": false,
}

var (
	balances  = []string{"roundrobin", "leastconn", "first", "source", "static-rr"}
	poolModes = []string{"session", "transaction", "statement"}
)

type problems []error

// add records that key holds value and why that is wrong.
func (p *problems) add(key string, value any, why string, args ...any) {
	*p = append(*p, fmt.Errorf("%s = %s: %s", key, show(value), fmt.Sprintf(why, args...)))
}

func show(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []string:
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprint(v)
}

func validate(s *Spec) error {
	var p problems
	validateSSH(&p, s.SSH)
	nodes := validateNodes(&p, s)
	validateEtcd(&p, s, nodes)
	validateTLS(&p, s.TLS)
	names := map[string]string{}
	for i := range s.Clusters {
		c := &s.Clusters[i]
		if other, dup := names[c.Name]; dup {
			p.add(c.Key()+".name", c.Name, "duplicate cluster name (%s has it too)", other)
		} else {
			names[c.Name] = c.Key()
		}
		validateCluster(&p, c)
	}
	validateDNSNames(&p, s)
	validateVIPs(&p, s, nodes)
	validateSharedPorts(&p, s)
	return errors.Join(p...)
}

func validateTLS(p *problems, t TLS) {
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

func validateSSH(p *problems, ssh SSH) {
	if !unixUser.MatchString(ssh.User) {
		p.add(KeySSH+".user", ssh.User, "not a valid login name")
	}
	validPort(p, KeySSH+".port", ssh.Port)
	switch st, err := os.Stat(ssh.PrivateKeyFile); {
	case ssh.PrivateKeyFile == "":
		p.add(KeySSH+".privateKeyFile", ssh.PrivateKeyFile, "an SSH private key file is required")
	case err != nil:
		p.add(KeySSH+".privateKeyFile", ssh.PrivateKeyFile, "cannot read the key: %v", errors.Unwrap(err))
	case st.IsDir():
		p.add(KeySSH+".privateKeyFile", ssh.PrivateKeyFile, "is a directory, not a key file")
	}
}

// validateNodes checks names and addresses across infra nodes and every cluster's members, and
// returns every node name with its IP. A member may run on an infra node (same address); a
// machine runs at most one cluster's instance.
func validateNodes(p *problems, s *Spec) map[string]netip.Addr {
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

func validateEtcd(p *problems, s *Spec, nodes map[string]netip.Addr) {
	key := KeyEtcd
	switch n := len(s.Etcd.Members); {
	case n == 0:
		p.add(key+".members", s.Etcd.Members, "at least one etcd member is required")
	case n%2 == 0:
		p.add(key+".members", s.Etcd.Members, "an even member count (%d) adds no fault tolerance; use an odd count", n)
	}
	seen := map[string]bool{}
	byIP := map[netip.Addr]string{}
	for i, name := range s.Etcd.Members {
		ip, ok := nodes[name]
		switch other, dup := byIP[ip]; {
		case !ok:
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "no infra node or cluster member has this name")
		case seen[name]:
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "listed twice")
		case dup && ip.IsValid():
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "is on the same machine (%s) as etcd member %s", ip, other)
		default:
			byIP[ip] = name
		}
		seen[name] = true
	}
	validPort(p, key+".clientPort", s.Etcd.ClientPort)
	validPort(p, key+".peerPort", s.Etcd.PeerPort)
	if s.Etcd.ClientPort == s.Etcd.PeerPort {
		p.add(key+".peerPort", s.Etcd.PeerPort, "equals the client port")
	}
	if s.Etcd.API != DCSv2 && s.Etcd.API != DCSv3 {
		p.add(key+".api", s.Etcd.API, "must be %q or %q", DCSv2, DCSv3)
	}
}

func validateCluster(p *problems, c *Cluster) {
	key := c.Key()
	if !dnsLabel.MatchString(c.Name) {
		p.add(key+".name", c.Name, "not a valid cluster name (a DNS label: lower-case letters, digits and '-')")
	}
	if c.Version != 15 {
		p.add(key+".version", c.Version, "only PostgreSQL 15 (Debian 12's) is supported")
	}
	if _, ok := rtoPlans[c.RTO]; !ok {
		p.add(key+".rto", c.RTO, "must be one of fast, norm, safe, wide")
	}
	if !slices.Contains([]string{TLSOff, TLSPrefer, TLSRequire}, c.TLS) {
		p.add(key+".tls", c.TLS, "must be one of off, prefer, require")
	}
	if c.MaxLagOnFailover < 0 {
		p.add(key+".maxLagOnFailover", c.MaxLagOnFailover, "must not be negative")
	}
	validateMembers(p, c)
	fixed := validatePorts(p, c)
	validateServices(p, c, fixed)
	validateVIP(p, c)
	validateDNS(p, c)
	validatePgBouncer(p, c)
	validateUsers(p, c)
	for i, n := range c.AllowedNetworks {
		if _, err := netip.ParsePrefix(n); err != nil {
			p.add(fmt.Sprintf("%s.allowedNetworks[%d]", key, i), n, "not a CIDR network")
		}
	}
}

func validateMembers(p *problems, c *Cluster) {
	if len(c.Members) == 0 {
		p.add(c.Key()+".members", "[]", "a cluster needs at least one member")
		return
	}
	primaries := 0
	for i, m := range c.Members {
		key := fmt.Sprintf("%s.members[%d]", c.Key(), i)
		switch m.Role {
		case RolePrimary:
			primaries++
			if m.Delay != "" {
				p.add(key+".delay", m.Delay, "the primary cannot be a delayed replica")
			}
		case RoleReplica, RoleOffline:
		default:
			p.add(key+".role", m.Role, "must be primary, replica or offline")
		}
		if m.Weight < 0 || m.Weight > 256 {
			p.add(key+".weight", m.Weight, "must be between 0 and 256")
		}
		if m.Delay != "" && !delayValue.MatchString(m.Delay) {
			p.add(key+".delay", m.Delay, "not a PostgreSQL duration such as 30s, 10min or 1h")
		}
		for k, v := range m.Tags {
			if !tagName.MatchString(k) || !tagName.MatchString(v) {
				p.add(key+".tags."+k, v, "tag names and values take letters, digits, '_', '.' and '-'")
			}
		}
	}
	if primaries != 1 {
		p.add(c.Key()+".members", fmt.Sprintf("%d primaries", primaries), "exactly one member must have role primary")
	}
}

// validatePorts checks the daemons' ports and returns them by port, to keep services off them.
func validatePorts(p *problems, c *Cluster) map[int]string {
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

func validateServices(p *problems, c *Cluster, fixed map[int]string) {
	unknown := false
	for i, name := range c.DefaultServices {
		if _, ok := builtinServices[name]; !ok {
			p.add(fmt.Sprintf("%s.defaultServices[%d]", c.Key(), i), name, "not a built-in service (primary, replica, standby, default, delayed, offline)")
			unknown = true
		}
	}
	if unknown {
		return
	}
	names := map[string]bool{}
	ports := map[int]string{}
	for i, s := range c.AllServices() {
		key := c.serviceKey(i)
		if !dnsLabel.MatchString(s.Name) {
			p.add(key+".name", s.Name, "not a valid service name (lower-case letters, digits and '-')")
		}
		if names[s.Name] {
			p.add(key+".name", s.Name, "duplicate service name")
		}
		names[s.Name] = true
		if validPort(p, key+".port", s.Port) {
			if other, ok := fixed[s.Port]; ok {
				p.add(key+".port", s.Port, "collides with the %s port", other)
			} else if other, ok := ports[s.Port]; ok {
				p.add(key+".port", s.Port, "already used by service %s", other)
			}
			ports[s.Port] = s.Name
		}
		if s.IP != "*" {
			if ip, err := netip.ParseAddr(s.IP); err != nil || !ip.Is4() {
				p.add(key+".ip", s.IP, "must be * or an IPv4 address")
			}
		}
		switch s.Dest {
		case DestPostgres, DestPgBouncer, DestDefault:
		default:
			if port, err := strconv.Atoi(s.Dest); err != nil || port < 1 || port > 65535 {
				p.add(key+".dest", s.Dest, "must be postgres, pgbouncer, default or a port number")
			}
		}
		validateCheck(p, key+".check", s.Check)
		validateCheck(p, key+".backupCheck", s.BackupCheck)
		if s.MaxConn < 1 || s.MaxConn > 1000000 {
			p.add(key+".maxconn", s.MaxConn, "must be between 1 and 1000000")
		}
		if !slices.Contains(balances, s.Balance) {
			p.add(key+".balance", s.Balance, "must be one of %s", strings.Join(balances, ", "))
		}
		if strings.ContainsAny(s.Options, "\n\r#\\'\"") {
			p.add(key+".options", s.Options, "server options must be one line without quotes, '#' or '\\'")
		}
		if d, err := time.ParseDuration(s.Hold); err != nil || d < 0 || d > maxHold || d%time.Millisecond != 0 {
			p.add(key+".hold", s.Hold, "must be a duration from 0s to %s in whole milliseconds, such as 5s", maxHold)
		}
		validateSelector(p, key+".selector", s.Selector)
		validateSelector(p, key+".backup", s.Backup)
		if len(c.Members) > 0 && len(c.Servers(s)) == 0 && len(c.BackupServers(s)) == 0 {
			p.add(key+".selector", fmt.Sprintf("service %s", s.Name), "matches no member of cluster %s", c.Name)
		}
	}
}

func validateSelector(p *problems, key string, sel Selector) {
	for i, m := range sel {
		for _, r := range m.Roles {
			if r != RolePrimary && r != RoleReplica && r != RoleOffline {
				p.add(fmt.Sprintf("%s[%d].roles", key, i), r, "must be primary, replica or offline")
			}
		}
	}
}

func validateCheck(p *problems, key, check string) {
	path, query, hasQuery := strings.Cut(check, "?")
	takesLag, known := patroniChecks[path]
	switch {
	case !known:
		p.add(key, check, "not a Patroni health endpoint (e.g. /primary, /replica, /read-only, /sync, /health)")
	case hasQuery && !takesLag:
		p.add(key, check, "%s takes no query parameters", path)
	case hasQuery:
		lag, ok := strings.CutPrefix(query, "lag=")
		if !ok || !lagValue.MatchString(lag) {
			p.add(key, check, "the only query parameter is lag=<bytes>[kB|MB|GB|TB]")
		}
	}
}

func validateVIP(p *problems, c *Cluster) {
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

func validateDNS(p *problems, c *Cluster) {
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

func validatePgBouncer(p *problems, c *Cluster) {
	key := c.Key() + ".pgbouncer"
	b := c.PgBouncer
	if !slices.Contains(poolModes, b.PoolMode) {
		p.add(key+".poolMode", b.PoolMode, "must be one of %s", strings.Join(poolModes, ", "))
	}
	if b.DefaultPoolSize < 1 || b.DefaultPoolSize > 10000 {
		p.add(key+".defaultPoolSize", b.DefaultPoolSize, "must be between 1 and 10000")
	}
	if b.ReservePoolSize < 0 || b.ReservePoolSize > 10000 {
		p.add(key+".reservePoolSize", b.ReservePoolSize, "must be between 0 and 10000")
	}
	if b.MaxClientConn < 0 {
		p.add(key+".maxClientConn", b.MaxClientConn, "must not be negative (0 derives it from the node's open-files limit)")
	}
	if d, err := time.ParseDuration(b.QueryWaitTimeout); err != nil || d < time.Second || d > 10*time.Minute || d%time.Second != 0 {
		p.add(key+".queryWaitTimeout", b.QueryWaitTimeout, "must be whole seconds between 1s and 10m, like 10s")
	}
}

func validateUsers(p *problems, c *Cluster) {
	users := map[string]bool{}
	for i, u := range c.Users {
		key := fmt.Sprintf("%s.users[%d]", c.Key(), i)
		switch {
		case !sqlIdentifier.MatchString(u.Name) || strings.HasPrefix(u.Name, "pg_"):
			p.add(key+".name", u.Name, "not a valid role name (lower-case letters, digits and '_', not starting with pg_)")
		case slices.Contains(reservedUsers, u.Name) || slices.Contains(baseRoles, u.Name):
			p.add(key+".name", u.Name, "reserved for pgsvc or PostgreSQL")
		case users[u.Name]:
			p.add(key+".name", u.Name, "duplicate user")
		}
		users[u.Name] = true
		if strings.ContainsAny(u.Rotation, "\x00\n") {
			p.add(key+".rotation", u.Rotation, "must be a single line")
		}
	}
	for i, u := range c.Users {
		for j, r := range u.Roles {
			if !slices.Contains(baseRoles, r) && (!users[r] || r == u.Name) {
				p.add(fmt.Sprintf("%s.users[%d].roles[%d]", c.Key(), i, j), r, "not a base role (%s) or another user", strings.Join(baseRoles, ", "))
			}
		}
	}
	dbs := map[string]bool{}
	for i, d := range c.Databases {
		key := fmt.Sprintf("%s.databases[%d]", c.Key(), i)
		if !sqlIdentifier.MatchString(d.Name) || slices.Contains([]string{"postgres", "template0", "template1", "pgbouncer"}, d.Name) {
			p.add(key+".name", d.Name, "not a valid database name (lower-case letters, digits and '_'; not postgres, template0/1 or pgbouncer)")
		}
		if dbs[d.Name] {
			p.add(key+".name", d.Name, "duplicate database")
		}
		dbs[d.Name] = true
		if d.Owner != "postgres" && !users[d.Owner] {
			p.add(key+".owner", d.Owner, "not a user of this cluster")
		}
	}
}

func validPort(p *problems, key string, port int) bool {
	if port < 1 || port > 65535 {
		p.add(key, port, "must be a port between 1 and 65535")
		return false
	}
	return true
}

// validateDNSNames keeps every name dnsmasq answers (clusters and instances) unique.
func validateDNSNames(p *problems, s *Spec) {
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

// validateVIPs keeps each cluster's VIP off every node and every other cluster's VIP.
func validateVIPs(p *problems, s *Spec, nodes map[string]netip.Addr) {
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

// validateSharedPorts keeps a cluster's ports off the ports that etcd and dnsmasq hold on the
// same machine.
func validateSharedPorts(p *problems, s *Spec) {
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

// serviceKey is the config key of the i-th of AllServices.
func (c *Cluster) serviceKey(i int) string {
	if i < len(c.DefaultServices) {
		return fmt.Sprintf("%s.defaultServices[%d]", c.Key(), i)
	}
	return fmt.Sprintf("%s.services[%d]", c.Key(), i-len(c.DefaultServices))
}
