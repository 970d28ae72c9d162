package ha

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

// TestSwitchoverPooledClients runs a planned switchover under a pooled client writing every
// 50 ms, through the primary service and through the seed's multi-host PgBouncer URL. PgBouncer
// holds the client's queries while PostgreSQL stops, HAProxy holds new connections while no
// member passes /primary, and the demoted member's PgBouncer closes the held clients once every
// HAProxy has left it. The switchover costs the client at most two failed attempts: the
// transaction PostgreSQL's shutdown cuts if one is in flight (Patroni 3.0 has no hook before the
// stop), and the held attempt on its connection to the old primary. The loop runs on for
// PooledPatience after the switchover, so a held attempt ends within it.
func TestSwitchoverPooledClients(t *testing.T) {
	c := drill.Setup(t)
	for _, path := range []struct {
		name   string
		target func(old, candidate string) check.Target
	}{
		{"primary service 5433", func(old, candidate string) check.Target {
			return c.Target(c.IP(c.OtherThan(old, candidate)), lab.Ports.Primary)
		}},
		{"multi-host 6432 read-write", func(string, string) check.Target { return c.MultiHost("read-write") }},
	} {
		t.Run(path.name, func(t *testing.T) {
			old := c.Leader()
			candidate := c.OtherThan(old)
			target := path.target(old, candidate)
			res := drill.WriteThrough(t, target, drill.PooledPatience, drill.PooledPatience, func() {
				c.Patronictl(t, old, fmt.Sprintf("switchover --leader %s --candidate %s --force", old, candidate))
				drill.Eventually(t, time.Minute, candidate+" leads", func() bool { return c.Leader() == candidate })
			})
			t.Logf("switchover %s -> %s through %s: %d failed attempts, longest stall %.2fs, %d writes acknowledged\n%s",
				old, candidate, path.name, res.Failed, res.MaxGap.Seconds(), len(res.Acked), strings.Join(res.Failures, "\n"))
			if res.Failed > 2 {
				t.Errorf("%d failed attempts through %s, want at most 2", res.Failed, path.name)
			}
			lost, err := outage.Lost(context.Background(), c.Target(c.IP(candidate), lab.Ports.Postgres), res.Acked)
			if err != nil || len(lost) > 0 {
				t.Errorf("acknowledged writes lost: %v, %v", lost, err)
			}
			c.RestoreLeader(t)
		})
	}
}
