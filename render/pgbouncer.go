package render

import "pgsvc/stacks"

// pigstyMaxClientConn is Pigsty's max_client_conn, used when the node allows it.
const pigstyMaxClientConn = 20000

// MaxClientConn sizes PgBouncer's client limit from the node's open-files limit, keeping room
// for server connections and the process itself, unless the stack sets it.
func MaxClientConn(c *stacks.Cluster, nofile int) int {
	if c.PgBouncer.MaxClientConn > 0 {
		return c.PgBouncer.MaxClientConn
	}
	servers := (c.PgBouncer.DefaultPoolSize + c.PgBouncer.ReservePoolSize) * max(1, len(c.Databases)) * max(1, len(c.Users))
	return max(100, min(pigstyMaxClientConn, nofile-servers-100))
}

// pgbouncerTLSMode is client_tls_sslmode for each TLS mode. PgBouncer reaches PostgreSQL over its
// unix socket, where TLS does not apply, so server_tls_sslmode stays disable.
var pgbouncerTLSMode = map[string]string{stacks.TLSOff: "disable", stacks.TLSPrefer: "prefer", stacks.TLSRequire: "require"}

// pgbouncerDatabases are the databases PgBouncer pools: the cluster's and postgres.
func pgbouncerDatabases(c *stacks.Cluster) []string {
	var names []string
	for _, d := range c.Databases {
		names = append(names, d.Name)
	}
	return append(names, "postgres")
}

// PgBouncerConfig is /etc/pgbouncer/pgbouncer.ini. nofile is the open-files limit PgBouncer runs with.
func PgBouncerConfig(c *stacks.Cluster, nofile int) File {
	var admins, stats []string
	for _, u := range c.Users {
		if u.Superuser {
			admins = append(admins, u.Name)
		}
		if u.Superuser || containsRole(u, "dbrole_offline") {
			stats = append(stats, u.Name)
		}
	}
	data := map[string]any{"C": c, "MaxClientConn": MaxClientConn(c, nofile), "Admins": admins, "Stats": stats,
		"Databases": pgbouncerDatabases(c), "TLSMode": pgbouncerTLSMode[c.TLS],
		"TLS": postgresTLS}
	return File{Path: "/etc/pgbouncer/pgbouncer.ini", Mode: "0640", Owner: userPostgres, Group: userPostgres,
		Content: execute("pgbouncer.ini.tmpl", data)}
}

// PgBouncerUserlist is /etc/pgbouncer/userlist.txt: each pooled user's SCRAM verifier.
func PgBouncerUserlist(c *stacks.Cluster, sec Secrets) File {
	type entry struct{ Name, Verifier string }
	var users []entry
	for _, u := range c.Users {
		if *u.PgBouncer {
			users = append(users, entry{u.Name, ScramVerifier(c.Name, u.Name, sec[u.Name])})
		}
	}
	return File{Path: "/etc/pgbouncer/userlist.txt", Mode: "0600", Owner: userPostgres, Group: userPostgres,
		Content: execute("pgbouncer-userlist.txt.tmpl", users), Secret: true}
}

// PgBouncerHBA is /etc/pgbouncer/pgb_hba.conf: SCRAM from the allowed networks only.
func PgBouncerHBA(c *stacks.Cluster) File {
	return File{Path: "/etc/pgbouncer/pgb_hba.conf", Mode: "0640", Owner: userPostgres, Group: userPostgres,
		Content: execute("pgbouncer-hba.conf.tmpl", map[string]any{"Networks": c.AllowedNetworks, "Host": hbaHost(c)})}
}

func containsRole(u stacks.User, role string) bool {
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// PgBouncerDropIn raises PgBouncer's open-files limit to the node's, so max_client_conn holds,
// and ties PgBouncer to Patroni: it stops when Patroni stops.
func PgBouncerDropIn(nofile int) File {
	return File{Path: "/etc/systemd/system/pgbouncer.service.d/pgsvc.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("pgbouncer-dropin.conf.tmpl", map[string]any{"NoFile": nofile, "Marker": PgBouncerPausedMarker})}
}

// PatroniPgBouncerDropIn makes starting Patroni start PgBouncer again. It is written once
// PgBouncer is configured, so that Patroni never pulls in an unconfigured PgBouncer.
func PatroniPgBouncerDropIn() File {
	return File{Path: "/etc/systemd/system/patroni.service.d/pgsvc-pgbouncer.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("patroni-pgbouncer-dropin.conf.tmpl", nil)}
}
