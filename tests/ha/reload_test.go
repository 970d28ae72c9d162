package ha

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

// TestReloadWithoutLoss changes a service ten times with pulumi up while a client opens a new
// connection through 5433 every few milliseconds: not one connection may fail.
func TestReloadWithoutLoss(t *testing.T) {
	c := drill.Setup(t)
	target := c.Target(c.IP(c.OtherThan(c.Leader())), lab.Ports.Primary)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var ok, failed atomic.Int64
	var lastErr atomic.Value
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			attempt, stop := context.WithTimeout(ctx, 3*time.Second)
			conn, err := outage.Connect(attempt, target)
			if err == nil {
				_, err = conn.Exec(attempt, "select 1")
				conn.Close(attempt)
			}
			stop()
			if err != nil && ctx.Err() == nil {
				failed.Add(1)
				lastErr.Store(err.Error())
			} else if err == nil {
				ok.Add(1)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	defer func() { c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview") }()
	for i := 0; i < 10; i++ {
		maxconn := 4000 + 100*i
		edited := c.Stack.WithConfig(t, func(cfg map[string]any) {
			cl := cli.ClusterConfig(cfg, cli.TestCluster)
			cl["services"] = []any{map[string]any{"name": "reload-probe", "port": 5450, "maxconn": maxconn}}
		})
		edited.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	}
	cancel()
	<-done
	t.Logf("%d connections through %s:%d during 10 reloads, %d failed", ok.Load(), target.Host, target.Port, failed.Load())
	if failed.Load() > 0 {
		t.Errorf("%d connections failed during reloads; last error: %v", failed.Load(), lastErr.Load())
	}
	if ok.Load() < 100 {
		t.Errorf("only %d connections made: the load loop did not run", ok.Load())
	}
}
