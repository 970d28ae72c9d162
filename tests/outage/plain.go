package outage

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"pgsvc/check"
)

// Attempt is one statement of a plain client that took long or failed, with the times it began
// and ended, relative to the start of its loop.
type Attempt struct {
	Start, End time.Duration
	Err        error
	// Cut is set when the loop ended while the attempt still waited.
	Cut bool
}

func (a Attempt) String() string {
	what := "ok"
	switch {
	case a.Cut:
		what = "no answer yet when the loop ended"
	case a.Err != nil:
		what = a.Err.Error()
	}
	return fmt.Sprintf("%.2fs..%.2fs: %s", a.Start.Seconds(), a.End.Seconds(), what)
}

// PlainResult is what a plain client saw.
type PlainResult struct {
	Acked []int64
	// OK and Failed count statements.
	OK, Failed int
	// MaxGap is the longest time between two answered statements.
	MaxGap time.Duration
	// Slow lists the statements that failed or took longer than a second.
	Slow []Attempt
	// Began is when the loop began.
	Began time.Time
}

// LongestWait is the longest time one statement waited for its answer or error.
func (r PlainResult) LongestWait() time.Duration {
	var d time.Duration
	for _, a := range r.Slow {
		d = max(d, a.End-a.Start)
	}
	return d
}

// PlainLoop is an application's client as most run: one connection, no statement or connect
// timeout, the operating system's TCP keepalive (hours), reconnecting after an error. Every
// interval it writes a row (write) or reads one, until ctx ends; the statement in flight then
// is cut and recorded as such. Ids start at first.
func PlainLoop(ctx context.Context, target check.Target, resolver *net.Resolver, write bool, interval time.Duration, first int64) PlainResult {
	res := PlainResult{Began: time.Now()}
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	last := res.Began
	for id := first; ctx.Err() == nil; id++ {
		began := time.Now()
		err := plainStatement(ctx, &conn, target, resolver, write, id)
		end := time.Now()
		a := Attempt{Start: began.Sub(res.Began), End: end.Sub(res.Began), Err: err, Cut: err != nil && ctx.Err() != nil}
		if err != nil || a.End-a.Start > time.Second {
			res.Slow = append(res.Slow, a)
		}
		if a.Cut {
			break
		}
		if err != nil {
			res.Failed++
		} else {
			res.OK++
			res.MaxGap = max(res.MaxGap, end.Sub(last))
			last = end
			if write {
				res.Acked = append(res.Acked, id)
			}
		}
		if wait := interval - time.Since(began); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
	}
	return res
}

func plainStatement(ctx context.Context, conn **pgx.Conn, t check.Target, resolver *net.Resolver, write bool, id int64) error {
	connect := func(ctx context.Context) (*pgx.Conn, error) { return PlainConnect(ctx, t, resolver) }
	return statement(ctx, conn, connect, func(c *pgx.Conn) error {
		if write {
			_, err := c.Exec(ctx, "insert into "+Table+" (id) values ($1)", id)
			return err
		}
		var one int
		return c.QueryRow(ctx, "select 1").Scan(&one)
	})
}

// PlainConnect connects the way libpq does by default: no connect timeout, and TCP keepalive
// on with the operating system's times.
func PlainConnect(ctx context.Context, t check.Target, resolver *net.Resolver) (*pgx.Conn, error) {
	cfg, err := config(t)
	if err != nil {
		return nil, err
	}
	cfg.ConnectTimeout = 0
	dialer := &net.Dialer{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: -1, Interval: -1, Count: -1}}
	cfg.DialFunc = dialer.DialContext
	if resolver != nil {
		cfg.LookupFunc = resolver.LookupHost
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// PlainClient is one plain client of a drill: a name for the report, where it connects, and
// whether it writes.
type PlainClient struct {
	Name   string
	Target check.Target
	Write  bool
}

// RunPlain runs each client's PlainLoop (one row or read every 50 ms) until ctx ends and
// returns their results in the same order. Client i's ids start at i*1e9+1.
func RunPlain(ctx context.Context, clients []PlainClient, resolver *net.Resolver) []PlainResult {
	out := make([]PlainResult, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = PlainLoop(ctx, c.Target, resolver, c.Write, 50*time.Millisecond, int64(i)*1e9+1)
		}()
	}
	wg.Wait()
	return out
}

// waitPast is how long the statement waited past rel (a time since its loop began), or past its
// own start when it began later.
func (a Attempt) waitPast(rel time.Duration) time.Duration {
	return a.End - max(a.Start, rel)
}

// SilentPast lists the statements that waited longer than bound past from (or past their own
// start, when they began later) without an answer, an error or a closed connection.
func (r PlainResult) SilentPast(from time.Time, bound time.Duration) []Attempt {
	var out []Attempt
	for _, a := range r.Slow {
		if a.waitPast(from.Sub(r.Began)) > bound {
			out = append(out, a)
		}
	}
	return out
}

// LongestWaitPast is the longest a statement waited past from (or past its own start, when it
// began later).
func (r PlainResult) LongestWaitPast(from time.Time) time.Duration {
	var d time.Duration
	for _, a := range r.Slow {
		d = max(d, a.waitPast(from.Sub(r.Began)))
	}
	return d
}
