package render

import "pgsvc/stacks"

// BaseRolesSQL creates Pigsty's group roles on top of PostgreSQL's predefined data roles.
func BaseRolesSQL() []byte {
	return execute("base-roles.sql.tmpl", nil)
}

// UserSQL creates or updates one login role; its password is stored only as a SCRAM verifier.
func UserSQL(c *stacks.Cluster, u stacks.User, password string) []byte {
	data := map[string]any{"U": u, "Verifier": ScramVerifier(c.Name, u.Name, password)}
	return execute("user.sql.tmpl", data)
}

// DatabaseSQL creates a database, or gives an existing one its configured owner.
func DatabaseSQL(d stacks.Database) []byte {
	return execute("database.sql.tmpl", d)
}

// SystemRolesSQL sets the passwords of the roles Patroni uses, so that PostgreSQL keeps matching
// patroni.yml when the passwords are generated anew (after a destroy that kept the data).
func SystemRolesSQL(c *stacks.Cluster, sec Secrets) []byte {
	type role struct{ Name, Verifier string }
	var roles []role
	for _, name := range []string{SecretSuperuser, SecretReplication} {
		roles = append(roles, role{name, ScramVerifier(c.Name, name, sec[name])})
	}
	return execute("system-roles.sql.tmpl", roles)
}
