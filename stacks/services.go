package stacks

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Service is an HAProxy listener that routes to the members that pass a Patroni health check.
type Service struct {
	Name string `json:"name"`
	Port int    `json:"port"`
	// IP is the bind address, "*" for all.
	IP string `json:"ip"`
	// Selector picks the members that serve; empty means all members.
	Selector Selector `json:"selector"`
	// Backup picks members that serve only when no selected member passes its check.
	Backup Selector `json:"backup"`
	// BackupCheck is the Patroni path that backup members must pass (default: Check). A check
	// of its own lets the fallback follow the live roles, e.g. to whichever member is primary.
	BackupCheck string `json:"backupCheck"`
	// Dest is postgres, pgbouncer, default (the cluster's pooler) or a port number.
	Dest    string `json:"dest"`
	Check   string `json:"check"`
	MaxConn int    `json:"maxconn"`
	Balance string `json:"balance"`
	// Options replaces the RTO plan's default-server options when set.
	Options string `json:"options"`
	// Hold is how long a new connection waits for a server while none passes its check (a role
	// change in flight), before HAProxy closes it; "0s" closes at once.
	Hold string `json:"hold"`
}

// Selector picks members: a member matches when any one of its clauses matches.
type Selector []Match

// Match is one selector clause: every field that is set must hold.
type Match struct {
	Roles        []string          `json:"roles"`
	OfflineQuery *bool             `json:"offlineQuery"`
	Delayed      *bool             `json:"delayed"`
	Tags         map[string]string `json:"tags"`
	Seqs         []int             `json:"seqs"`
}

// Dest names of a service.
const (
	DestPostgres  = "postgres"
	DestPgBouncer = "pgbouncer"
	DestDefault   = "default"
)

func boolp(b bool) *bool { return &b }

// builtinServices are Pigsty's default services, plus the delayed replica service of pgsvc. Their
// checks follow the live roles: after a failover, the new primary serves the primary service
// and the old one, back as a replica, serves the replica service, with no config change.
var builtinServices = map[string]Service{
	"primary": {Name: "primary", Port: 5433, Dest: DestDefault, Check: "/primary"},
	// replicas; when none is up, the offline members or the primary (/read-only)
	"replica": {Name: "replica", Port: 5434, Dest: DestDefault, Check: "/replica",
		Selector: Selector{{Roles: []string{RolePrimary, RoleReplica}, Delayed: boolp(false)}},
		Backup:   Selector{{Delayed: boolp(false)}}, BackupCheck: "/read-only"},
	// the synchronous standby; when there is none, the primary
	"standby": {Name: "standby", Port: 5435, Dest: DestDefault, Check: "/sync",
		Selector: Selector{{Delayed: boolp(false)}},
		Backup:   Selector{{Delayed: boolp(false)}}, BackupCheck: "/primary"},
	"default": {Name: "default", Port: 5436, Dest: DestPostgres, Check: "/primary"},
	"delayed": {Name: "delayed", Port: 5437, Dest: DestPostgres, Check: "/health",
		Selector: Selector{{Delayed: boolp(true)}}},
	// the offline members; when none is up, any replica
	"offline": {Name: "offline", Port: 5438, Dest: DestPostgres, Check: "/replica",
		Selector: Selector{{Roles: []string{RoleOffline}}, {OfflineQuery: boolp(true), Delayed: boolp(false)}},
		Backup:   Selector{{Delayed: boolp(false)}}},
}

var defaultServiceNames = []string{"primary", "replica", "default", "offline"}

// Server is one HAProxy server line of a service.
type Server struct {
	Member Member
	Name   string
}

// Servers lists, in seq order, the members the service's selector picks.
func (c *Cluster) Servers(s Service) []Server {
	return c.pick(s.Selector, true)
}

// BackupServers lists the members that serve when no selected member passes its check.
func (c *Cluster) BackupServers(s Service) []Server {
	return c.pick(s.Backup, false)
}

func (c *Cluster) pick(sel Selector, emptyMeansAll bool) []Server {
	var out []Server
	for _, m := range c.Members {
		if c.matches(sel, m, emptyMeansAll) {
			out = append(out, Server{Member: m, Name: c.MemberName(m)})
		}
	}
	return out
}

// DestPort is the port a service forwards to.
func (c *Cluster) DestPort(s Service) int {
	switch s.Dest {
	case DestPostgres:
		return c.Ports.Postgres
	case DestPgBouncer, DestDefault:
		return c.Ports.PgBouncer
	}
	port, _ := strconv.Atoi(s.Dest) // validated on load
	return port
}

// MemberName is Pigsty's instance name, <cluster>-<seq>.
func (c *Cluster) MemberName(m Member) string {
	return fmt.Sprintf("%s-%d", c.Name, m.Seq)
}

// Primary is the member configured as the initial primary.
func (c *Cluster) Primary() Member {
	for _, m := range c.Members {
		if m.Role == RolePrimary {
			return m
		}
	}
	return Member{}
}

// matches reports whether sel picks m; an empty selector picks everyone when emptyMeansAll.
func (c *Cluster) matches(sel Selector, m Member, emptyMeansAll bool) bool {
	if len(sel) == 0 {
		return emptyMeansAll
	}
	for _, clause := range sel {
		if clause.matches(m) {
			return true
		}
	}
	return false
}

func (k Match) matches(m Member) bool {
	if len(k.Roles) > 0 && !slices.Contains(k.Roles, m.Role) {
		return false
	}
	if k.OfflineQuery != nil && *k.OfflineQuery != m.OfflineQuery {
		return false
	}
	if k.Delayed != nil && *k.Delayed != (m.Delay != "") {
		return false
	}
	if len(k.Seqs) > 0 && !slices.Contains(k.Seqs, m.Seq) {
		return false
	}
	for key, want := range k.Tags {
		if got, ok := m.Tags[key]; !ok || got != want {
			return false
		}
	}
	return true
}

// Database is the database the seed's examples connect to: the first one, else postgres.
func (c *Cluster) Database() string {
	if len(c.Databases) > 0 {
		return c.Databases[0].Name
	}
	return "postgres"
}

// ServiceUser is the user the seed connects with through a service or direct port: the DBA on
// the direct primary service (default), the offline user on the offline service, and the
// database's owner everywhere else, or when the cluster has no such user.
func (c *Cluster) ServiceUser(service string) string {
	owner := ""
	if len(c.Databases) > 0 {
		owner = c.Databases[0].Owner
	}
	want := map[string]func(User) bool{
		"default": func(u User) bool { return u.Superuser },
		"offline": func(u User) bool { return slices.Contains(u.Roles, "dbrole_offline") },
	}[service]
	for _, u := range c.Users {
		if want != nil && want(u) {
			return u.Name
		}
	}
	return owner
}

// HoldMillis is the service's hold in milliseconds; the value was validated on load.
func (s Service) HoldMillis() int64 {
	d, _ := time.ParseDuration(s.Hold)
	return d.Milliseconds()
}

// maxHold bounds a service's hold: clients and HAProxy's inspect buffer wait that long at most.
const maxHold = time.Minute

// patroniChecks are the Patroni REST endpoints HAProxy may check, and whether they take ?lag=.
var patroniChecks = map[string]bool{
	"/": false, "/primary": false, "/read-write": false, "/leader": false, "/standby-leader": false,
	"/replica": true, "/read-only": true, "/synchronous": true, "/sync": true,
	"/asynchronous": true, "/async": true, "/health": false, "/liveness": false, "/readiness": false,
}

var (
	balances = []string{"roundrobin", "leastconn", "first", "source", "static-rr"}
	lagValue = regexp.MustCompile(`^[0-9]+(B|kB|MB|GB|TB)?$`)
)

// validateServices checks the built-in services the cluster names and every service's fields;
// fixed are the daemons' ports, by port, which no service may take.
func (c *Cluster) validateServices(p *problems, fixed map[int]string) {
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
		s.Selector.validate(p, key+".selector")
		s.Backup.validate(p, key+".backup")
		if len(c.Members) > 0 && len(c.Servers(s)) == 0 && len(c.BackupServers(s)) == 0 {
			p.add(key+".selector", fmt.Sprintf("service %s", s.Name), "matches no member of cluster %s", c.Name)
		}
	}
}

// serviceKey is the config key of the i-th of AllServices.
func (c *Cluster) serviceKey(i int) string {
	if i < len(c.DefaultServices) {
		return fmt.Sprintf("%s.defaultServices[%d]", c.Key(), i)
	}
	return fmt.Sprintf("%s.services[%d]", c.Key(), i-len(c.DefaultServices))
}

func (sel Selector) validate(p *problems, key string) {
	for i, m := range sel {
		for _, r := range m.Roles {
			if r != RolePrimary && r != RoleReplica && r != RoleOffline {
				p.add(fmt.Sprintf("%s[%d].roles", key, i), r, "must be primary, replica or offline")
			}
		}
	}
}

// validateCheck checks a Patroni health endpoint a service checks its servers on.
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
