package stacks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// User is a PostgreSQL role with a generated password.
type User struct {
	Name      string   `json:"name"`
	Superuser bool     `json:"superuser"`
	CreateDB  bool     `json:"createdb"`
	Roles     []string `json:"roles"`
	// PgBouncer puts the user in the pooler's auth file (default true).
	PgBouncer *bool `json:"pgbouncer"`
	// Rotation is a free-form keeper: changing it generates a new password.
	Rotation string `json:"rotation"`
}

// Database is a PostgreSQL database.
type Database struct {
	Name  string `json:"name"`
	Owner string `json:"owner"`
}

var sqlIdentifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// reservedUsers are roles pgsvc or PostgreSQL own.
var reservedUsers = []string{"postgres", "replicator", "public", "pgbouncer"}

// baseRoles are Pigsty's group roles, which users may be granted.
var baseRoles = []string{"dbrole_readonly", "dbrole_offline", "dbrole_readwrite", "dbrole_admin"}

// validateUsers checks the cluster's users and databases, whose owners are its users.
func (c *Cluster) validateUsers(p *problems) {
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
