package stacks

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

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
