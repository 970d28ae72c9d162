// Package ha tests high availability through the services on the lab: switchover, hard
// failover, fallbacks, the standby and delayed services, and reloads under load.
package ha

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/outage"
)

func TestSwitchover(t *testing.T) {
	c := drill.Setup(t)
	old := c.Leader()
	candidate := c.OtherThan(old, "pg-test-3")
	observer := c.OtherThan(old, candidate)
	res := drill.WriteThrough(t, c.Target(c.IP(observer), 5433), time.Second, 3*time.Second, func() {
		c.Patronictl(t, old, fmt.Sprintf("switchover --leader %s --candidate %s --force", old, candidate))
		drill.Eventually(t, time.Minute, candidate+" leads", func() bool { return c.Leader() == candidate })
	})
	t.Logf("switchover %s -> %s: write outage through %s:5433 %.2fs, %d writes acknowledged, %d failed",
		old, candidate, observer, res.MaxGap.Seconds(), len(res.Acked), res.Failed)
	if res.MaxGap > 10*time.Second {
		t.Errorf("write outage %.1fs on switchover", res.MaxGap.Seconds())
	}
	lost, err := outage.Lost(context.Background(), c.Target(c.IP(candidate), 5432), res.Acked)
	if err != nil || len(lost) > 0 {
		t.Errorf("acknowledged writes lost on switchover: %v, %v", lost, err)
	}
	// Every host form reaches the new primary on 5433, the VIP and the cluster name included.
	drill.Eventually(t, 30*time.Second, "the VIP on the new leader", func() bool {
		return c.LandsOn(c.C.VIP.Address, 5432) == candidate
	})
	c.CheckRoutes(t)
}

// TestHardFailover powers off the primary's node in synchronous mode: the write outage stays
// bounded, no acknowledged write is lost, and the old primary rejoins as a replica.
func TestHardFailover(t *testing.T) {
	c := drill.Setup(t)
	c.DeployWith(t, func(cl map[string]any) { cl["synchronous"] = true })
	drill.Eventually(t, time.Minute, "a synchronous standby", func() bool { return len(drill.Passing(c.State().Status["/sync"])) > 0 })
	old := c.Leader()
	observer := c.OtherThan(old)
	res := drill.WriteThrough(t, c.Target(c.IP(observer), 5433), time.Second, 3*time.Second, func() {
		cli.Lab(t, "kill", old)
		drill.Eventually(t, 2*time.Minute, "a new leader", func() bool { l := c.Leader(); return l != "" && l != old })
	})
	t.Logf("hard failover of %s: write outage through %s:5433 %.2fs, %d writes acknowledged, %d failed",
		old, observer, res.MaxGap.Seconds(), len(res.Acked), res.Failed)
	if res.MaxGap > 45*time.Second {
		t.Errorf("write outage %.1fs on hard failover", res.MaxGap.Seconds())
	}
	lost, err := outage.Lost(context.Background(), c.Target(c.IP(c.Leader()), 5432), res.Acked)
	if err != nil || len(lost) > 0 {
		t.Errorf("acknowledged writes lost in synchronous mode: %v, %v", lost, err)
	}
	cli.Lab(t, "start", old)
	drill.Eventually(t, 3*time.Minute, old+" rejoins as a replica", func() bool { return c.State().Status["/replica"][old] })
	drill.Eventually(t, time.Minute, "5434 uses "+old+" again", func() bool {
		for i := 0; i < 6; i++ {
			if c.LandsOn(c.C.VIP.Address, 5434) == old {
				return true
			}
		}
		return false
	})
	c.Settle(t)
	c.CheckRoutes(t)
}
