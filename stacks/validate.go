package stacks

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	dnsLabel      = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	dnsSuffix     = regexp.MustCompile(`^(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)
	sqlIdentifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	unixUser      = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	ifaceName     = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,15}$`)
	tagName       = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,63}$`)
	lagValue      = regexp.MustCompile(`^[0-9]+(B|kB|MB|GB|TB)?$`)
	// delays PostgreSQL accepts for recovery_min_apply_delay
	delayValue = regexp.MustCompile(`^[0-9]+(ms|s|min|h|d)$`)
)

// reservedUsers are roles pgsvc or PostgreSQL own.
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
	validateCluster(&p, &s.Cluster)
	return errors.Join(p...)
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

// validateNodes checks names and addresses across infra nodes and cluster members, and returns
// every node name with its IP.
func validateNodes(p *problems, s *Spec) map[string]netip.Addr {
	nodes := map[string]netip.Addr{}
	byIP := map[netip.Addr]string{}
	addNode := func(key, name string, ipText string) {
		ip, err := netip.ParseAddr(ipText)
		if err != nil || !ip.Is4() {
			p.add(key+".ip", ipText, "not an IPv4 address")
		} else if other, dup := byIP[ip]; dup {
			p.add(key+".ip", ipText, "already used by node %s", other)
		} else {
			byIP[ip] = name
		}
		if _, dup := nodes[name]; dup {
			p.add(key+".name", name, "duplicate node name")
		}
		nodes[name] = ip
	}
	for i, n := range s.Infra {
		key := fmt.Sprintf("%s[%d]", KeyInfra, i)
		if !dnsLabel.MatchString(n.Name) {
			p.add(key+".name", n.Name, "not a valid host name (lower-case letters, digits and '-')")
		}
		addNode(key, n.Name, n.IP)
	}
	c := &s.Cluster
	seqs := map[int]bool{}
	for i, m := range c.Members {
		key := fmt.Sprintf("%s.members[%d]", KeyCluster, i)
		if m.Seq < 1 {
			p.add(key+".seq", m.Seq, "must be a positive integer")
		} else if seqs[m.Seq] {
			p.add(key+".seq", m.Seq, "duplicate seq in cluster %s", c.Name)
		}
		seqs[m.Seq] = true
		addNode(key, c.MemberName(m), m.IP)
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
	for i, name := range s.Etcd.Members {
		if _, ok := nodes[name]; !ok {
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "no infra node or cluster member has this name")
		}
		if seen[name] {
			p.add(fmt.Sprintf("%s.members[%d]", key, i), name, "listed twice")
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
	if s.Etcd.API == DCSv3 && s.Cluster.VIP.Enabled {
		p.add(key+".api", s.Etcd.API, "vip-manager 1.0.2 (Debian 12) reads only etcd's v2 API: use %q, or turn %s.vip.enabled off", DCSv2, KeyCluster)
	}
}

func validateCluster(p *problems, c *Cluster) {
	key := KeyCluster
	if !dnsLabel.MatchString(c.Name) {
		p.add(key+".name", c.Name, "not a valid cluster name (a DNS label: lower-case letters, digits and '-')")
	}
	if c.Version != 15 {
		p.add(key+".version", c.Version, "only PostgreSQL 15 (Debian 12's) is supported")
	}
	if _, ok := rtoPlans[c.RTO]; !ok {
		p.add(key+".rto", c.RTO, "must be one of fast, norm, safe, wide")
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
		p.add(KeyCluster+".members", "[]", "a cluster needs at least one member")
		return
	}
	primaries := 0
	for i, m := range c.Members {
		key := fmt.Sprintf("%s.members[%d]", KeyCluster, i)
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
		p.add(KeyCluster+".members", fmt.Sprintf("%d primaries", primaries), "exactly one member must have role primary")
	}
}

// validatePorts checks the daemons' ports and returns them by port, to keep services off them.
func validatePorts(p *problems, c *Cluster) map[int]string {
	fixed := map[int]string{22: "ssh"}
	for _, f := range []struct {
		name string
		port int
	}{{"postgres", c.Ports.Postgres}, {"pgbouncer", c.Ports.PgBouncer}, {"patroni", c.Ports.Patroni}, {"haproxyStats", c.Ports.HAProxyStats}} {
		key := KeyCluster + ".ports." + f.name
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
			p.add(fmt.Sprintf("%s.defaultServices[%d]", KeyCluster, i), name, "not a built-in service (primary, replica, standby, default, delayed, offline)")
			unknown = true
		}
	}
	if unknown {
		return
	}
	names := map[string]bool{}
	ports := map[int]string{}
	for i, s := range c.AllServices() {
		key := fmt.Sprintf("%s.services[%d]", KeyCluster, i-len(c.DefaultServices))
		if i < len(c.DefaultServices) {
			key = fmt.Sprintf("%s.defaultServices[%d]", KeyCluster, i)
		}
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
	key := KeyCluster + ".vip"
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
	key := KeyCluster + ".dns"
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
	key := KeyCluster + ".pgbouncer"
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
}

func validateUsers(p *problems, c *Cluster) {
	users := map[string]bool{}
	for i, u := range c.Users {
		key := fmt.Sprintf("%s.users[%d]", KeyCluster, i)
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
				p.add(fmt.Sprintf("%s.users[%d].roles[%d]", KeyCluster, i, j), r, "not a base role (%s) or another user", strings.Join(baseRoles, ", "))
			}
		}
	}
	dbs := map[string]bool{}
	for i, d := range c.Databases {
		key := fmt.Sprintf("%s.databases[%d]", KeyCluster, i)
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
