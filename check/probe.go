package check

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Target is one way of connecting: a host form (or a comma-separated list of hosts) and a
// port, as one user.
type Target struct {
	Host     string
	Port     int
	User     string
	Password string
	Database string
	// Attrs is libpq's target_session_attrs for a multi-host target; empty for any.
	Attrs string
	// SSLMode is libpq's sslmode (disable when empty); RootCert the CA file that verify-ca and
	// verify-full check the server's certificate against.
	SSLMode, RootCert string
}

// ConnInfo is the target as a libpq keyword/value string, without credentials.
func (t Target) ConnInfo() string {
	mode := t.SSLMode
	if mode == "" {
		mode = "disable"
	}
	s := fmt.Sprintf("host=%s port=%d dbname=%s sslmode=%s connect_timeout=5", t.Host, t.Port, t.Database, mode)
	if t.RootCert != "" {
		s += " sslrootcert=" + t.RootCert
	}
	if t.Attrs != "" {
		s += " target_session_attrs=" + t.Attrs
	}
	return s
}

// Clients that probe a target: two independent implementations of the protocol, which learn a
// server's role differently (libpq from the in_hot_standby status the server, or PgBouncer on
// its behalf, reports; pgx by asking).
const (
	ClientPgx   = "pgx"
	ClientLibpq = "libpq"
)

// Landing is where a connection ended up.
type Landing struct {
	Member     string
	InRecovery bool
	Err        error
}

// memberQuery reads the member name pgsvc sets on every instance (pgsvc.member), which holds
// even through PgBouncer's unix socket where inet_server_addr() is empty.
const memberQuery = `select current_setting('pgsvc.member'), pg_is_in_recovery()`

// Probe connects to target with client (resolving names with resolver, when given) and asks
// where it is.
func Probe(ctx context.Context, client string, t Target, resolver *net.Resolver) Landing {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if client == ClientLibpq {
		return probeLibpq(ctx, t, resolver)
	}
	cfg, err := pgx.ParseConfig(t.ConnInfo())
	if err != nil {
		return Landing{Err: err}
	}
	cfg.User, cfg.Password = t.User, t.Password
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

// probeLibpq asks through psql, which uses libpq. The password goes in psql's environment.
func probeLibpq(ctx context.Context, t Target, resolver *net.Resolver) Landing {
	info := t.ConnInfo() + " user=" + t.User
	if resolver != nil && !strings.Contains(t.Host, ",") && net.ParseIP(t.Host) == nil {
		addrs, err := resolver.LookupHost(ctx, t.Host)
		if err != nil {
			return Landing{Err: err}
		}
		info += " hostaddr=" + addrs[0]
	}
	cmd := exec.CommandContext(ctx, "psql", "-X", "-A", "-t", "-F", " ", "-c", memberQuery, info)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+t.Password)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Landing{Err: fmt.Errorf("psql: %v: %s", err, strings.TrimSpace(stderr.String()))}
	}
	member, recovery, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	if !ok {
		return Landing{Err: fmt.Errorf("psql: unexpected answer %q", out)}
	}
	return Landing{Member: member, InRecovery: recovery == "t"}
}

// Resolver asks only the given DNS server (host:53), as a client of the infra nodes' dnsmasq.
func Resolver(server string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, net.JoinHostPort(server, strconv.Itoa(53)))
	}}
}
