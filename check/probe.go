package check

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Target is one way of connecting: a host form and a port, as one user.
type Target struct {
	Host     string
	Port     int
	User     string
	Password string
	Database string
}

// Landing is where a connection ended up.
type Landing struct {
	Member     string
	InRecovery bool
	Err        error
}

// memberQuery reads the member name pgsvc sets on every instance (pgsvc.member), which holds
// even through PgBouncer's unix socket where inet_server_addr() is empty.
const memberQuery = `select current_setting('pgsvc.member'), pg_is_in_recovery()`

// Probe connects to target (resolving names with resolver, when given) and asks where it is.
func Probe(ctx context.Context, t Target, resolver *net.Resolver) Landing {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig("sslmode=disable connect_timeout=5")
	if err != nil {
		return Landing{Err: err}
	}
	cfg.Host, cfg.Port, cfg.User, cfg.Password, cfg.Database = t.Host, uint16(t.Port), t.User, t.Password, t.Database
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol // PgBouncer in transaction mode
	if resolver != nil {
		cfg.LookupFunc = resolver.LookupHost
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return Landing{Err: err}
	}
	defer conn.Close(ctx)
	var l Landing
	l.Err = conn.QueryRow(ctx, memberQuery).Scan(&l.Member, &l.InRecovery)
	return l
}

// Resolver asks only the given DNS server (host:53), as a client of the infra nodes' dnsmasq.
func Resolver(server string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort(server, strconv.Itoa(53)))
	}}
}
