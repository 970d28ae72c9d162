// Package outage measures how long clients cannot write through a service while the cluster
// changes leaders, and which acknowledged writes survive. The HA tests and the benchmarks share it.
package outage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"pgsvc/check"
)

// Table is where the write loop records its rows.
const Table = "pgsvc_outage_probe"

// Result is what one write loop saw.
type Result struct {
	// Acked are the ids the server acknowledged, in order.
	Acked []int64
	// MaxGap is the longest time between two acknowledged writes: the write outage.
	MaxGap time.Duration
	// Failed counts attempts that did not succeed.
	Failed int
	// Failures are the first failures, each with its time since the loop began.
	Failures []string
}

// keptFailures is how many failures a Result describes.
const keptFailures = 30

// Loop writes one row every interval through target until ctx ends, reconnecting after any
// error, and returns what was acknowledged. Ids start at first. An attempt (connecting if need
// be, then the write) that takes longer than patience fails.
func Loop(ctx context.Context, target check.Target, interval time.Duration, first int64, patience time.Duration) Result {
	var res Result
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	start := time.Now()
	last := start
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for id := first; ; id++ {
		select {
		case <-ctx.Done():
			return res
		case <-tick.C:
		}
		if err := write(ctx, &conn, target, id, patience); err != nil {
			if ctx.Err() != nil {
				return res
			}
			res.Failed++
			if len(res.Failures) < keptFailures {
				res.Failures = append(res.Failures, fmt.Sprintf("%.2fs: %v", time.Since(start).Seconds(), err))
			}
			continue
		}
		now := time.Now()
		if gap := now.Sub(last); gap > res.MaxGap && len(res.Acked) > 0 {
			res.MaxGap = gap
		}
		last = now
		res.Acked = append(res.Acked, id)
	}
}

// Sessions is what a new-connection loop saw.
type Sessions struct {
	OK, Failed int
	// FirstErr is the first failure, if any.
	FirstErr error
}

// NewSessions opens a new connection through target every interval until ctx ends, runs one
// write transaction in it (a row in Table) and closes it: each client session counts once.
func NewSessions(ctx context.Context, target check.Target, interval time.Duration) Sessions {
	var res Sessions
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for id := int64(1); ; id++ {
		select {
		case <-ctx.Done():
			return res
		case <-tick.C:
		}
		var conn *pgx.Conn
		err := write(ctx, &conn, target, id, time.Second)
		if conn != nil {
			conn.Close(context.Background())
		}
		switch {
		case err == nil:
			res.OK++
		case ctx.Err() != nil:
			return res
		default:
			res.Failed++
			if res.FirstErr == nil {
				res.FirstErr = err
			}
		}
	}
}

func write(ctx context.Context, conn **pgx.Conn, t check.Target, id int64, patience time.Duration) error {
	attempt, cancel := context.WithTimeout(ctx, patience)
	defer cancel()
	return statement(attempt, conn, func(ctx context.Context) (*pgx.Conn, error) { return Connect(ctx, t) }, func(c *pgx.Conn) error {
		_, err := c.Exec(attempt, "insert into "+Table+" (id) values ($1)", id)
		return err
	})
}

// statement runs one statement on *conn, connecting first when there is no connection; after an
// error the connection is closed, and the next statement connects again.
func statement(ctx context.Context, conn **pgx.Conn, connect func(context.Context) (*pgx.Conn, error), run func(*pgx.Conn) error) error {
	if *conn == nil {
		c, err := connect(ctx)
		if err != nil {
			return err
		}
		*conn = c
	}
	err := run(*conn)
	if err != nil {
		(*conn).Close(context.Background())
		*conn = nil
	}
	return err
}

// config is the pgx configuration of target: the plain protocol (PgBouncer runs in transaction
// mode), its credentials.
func config(t check.Target) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(t.ConnInfo())
	if err != nil {
		return nil, err
	}
	cfg.User, cfg.Password = t.User, t.Password
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	return cfg, nil
}

// Connect opens a plain-protocol connection that gives up connecting after 2 s.
func Connect(ctx context.Context, t check.Target) (*pgx.Conn, error) {
	cfg, err := config(t)
	if err != nil {
		return nil, err
	}
	cfg.ConnectTimeout = 2 * time.Second
	return pgx.ConnectConfig(ctx, cfg)
}

// Prepare creates the probe table through target, empty.
func Prepare(ctx context.Context, t check.Target) error {
	conn, err := Connect(ctx, t)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "drop table if exists "+Table+"; create table "+Table+" (id bigint primary key, at timestamptz not null default now())")
	return err
}

// Lost lists acknowledged ids that the table no longer holds.
func Lost(ctx context.Context, t check.Target, acked []int64) ([]int64, error) {
	conn, err := Connect(ctx, t)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "select a from unnest($1::bigint[]) a where not exists (select 1 from "+Table+" where id = a)", acked)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// HasToken reports whether table, read through t in a new connection, holds the row whose
// token column is token; any error reads as not (yet) there.
func HasToken(ctx context.Context, t check.Target, table, token string) bool {
	conn, err := Connect(ctx, t)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var n int
	return conn.QueryRow(ctx, "select count(*) from "+table+" where token = $1", token).Scan(&n) == nil && n == 1
}
