package ha

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/tests/cli"
	"pgsvc/tests/outage"
)

// writeThrough runs the outage write loop through target while during runs, and for settle
// afterwards, and returns what it saw.
func writeThrough(t *testing.T, target check.Target, settle time.Duration, during func()) outage.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := outage.Prepare(ctx, target); err != nil {
		t.Fatal(err)
	}
	loopCtx, stop := context.WithCancel(ctx)
	done := make(chan outage.Result)
	go func() { done <- outage.Loop(loopCtx, target, 50*time.Millisecond, 1) }()
	time.Sleep(2 * time.Second)
	during()
	time.Sleep(settle)
	stop()
	res := <-done
	if len(res.Acked) == 0 {
		t.Fatal("no write was acknowledged")
	}
	return res
}

func TestSwitchover(t *testing.T) {
	c := setup(t)
	old := c.leader()
	candidate := c.otherThan(old, "pg-test-3")
	observer := c.otherThan(old, candidate)
	res := writeThrough(t, c.target(c.ip(observer), 5433), 3*time.Second, func() {
		c.patronictl(t, old, fmt.Sprintf("switchover --leader %s --candidate %s --force", old, candidate))
		eventually(t, time.Minute, candidate+" leads", func() bool { return c.leader() == candidate })
	})
	t.Logf("switchover %s -> %s: write outage through %s:5433 %.2fs, %d writes acknowledged, %d failed",
		old, candidate, observer, res.MaxGap.Seconds(), len(res.Acked), res.Failed)
	if res.MaxGap > 10*time.Second {
		t.Errorf("write outage %.1fs on switchover", res.MaxGap.Seconds())
	}
	lost, err := outage.Lost(context.Background(), c.target(c.ip(candidate), 5432), res.Acked)
	if err != nil || len(lost) > 0 {
		t.Errorf("acknowledged writes lost on switchover: %v, %v", lost, err)
	}
	// Every host form reaches the new primary on 5433, the VIP and the cluster name included.
	eventually(t, 30*time.Second, "the VIP on the new leader", func() bool {
		return c.landsOn(c.spec.Cluster.VIP.Address, 5432) == candidate
	})
	c.checkRoutes(t)
}

// TestHardFailover powers off the primary's node in synchronous mode: the write outage stays
// bounded, no acknowledged write is lost, and the old primary rejoins as a replica.
func TestHardFailover(t *testing.T) {
	c := setup(t)
	c.deployWith(t, func(cl map[string]any) { cl["synchronous"] = true })
	eventually(t, time.Minute, "a synchronous standby", func() bool { return len(trueKeys(c.state().Status["/sync"])) > 0 })
	old := c.leader()
	observer := c.otherThan(old)
	res := writeThrough(t, c.target(c.ip(observer), 5433), 3*time.Second, func() {
		cli.Lab(t, "kill", old)
		eventually(t, 2*time.Minute, "a new leader", func() bool { l := c.leader(); return l != "" && l != old })
	})
	t.Logf("hard failover of %s: write outage through %s:5433 %.2fs, %d writes acknowledged, %d failed",
		old, observer, res.MaxGap.Seconds(), len(res.Acked), res.Failed)
	if res.MaxGap > 45*time.Second {
		t.Errorf("write outage %.1fs on hard failover", res.MaxGap.Seconds())
	}
	lost, err := outage.Lost(context.Background(), c.target(c.ip(c.leader()), 5432), res.Acked)
	if err != nil || len(lost) > 0 {
		t.Errorf("acknowledged writes lost in synchronous mode: %v, %v", lost, err)
	}
	cli.Lab(t, "start", old)
	eventually(t, 3*time.Minute, old+" rejoins as a replica", func() bool { return c.state().Status["/replica"][old] })
	eventually(t, time.Minute, "5434 uses "+old+" again", func() bool {
		for i := 0; i < 6; i++ {
			if c.landsOn(c.spec.Cluster.VIP.Address, 5434) == old {
				return true
			}
		}
		return false
	})
}

// checkRoutes runs the full routing matrix against the live state.
func (c *cluster) checkRoutes(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cl := &c.spec.Cluster
	routes := check.Plan(cl, check.ReadState(ctx, cl), check.HostForms(cl, true), c.creds)
	check.Run(ctx, routes, check.Resolver(c.spec.Infra[0].IP))
	var report strings.Builder
	if bad := check.Report(&report, routes); bad > 0 {
		t.Errorf("%d wrong routes:\n%s", bad, report.String())
	}
}
