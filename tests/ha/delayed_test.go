package ha

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

// TestDelayedReplica makes pg-test-3 a delayed replica behind the delayed service: a row shows
// up there only after the delay, while the normal replica service has it at once.
func TestDelayedReplica(t *testing.T) {
	const delay = 10 * time.Second
	c := drill.Setup(t)
	c.DeployWith(t, func(cl map[string]any) {
		members := cl["members"].([]any)
		members[2].(map[string]any)["delay"] = fmt.Sprintf("%ds", int(delay.Seconds()))
		cl["defaultServices"] = []any{"primary", "replica", "default", "offline", "delayed"}
	})
	vip := c.C.VIP.Address
	drill.Eventually(t, time.Minute, "the delayed service on pg-test-3", func() bool { return c.LandsOn(vip, lab.Ports.Delayed) == "pg-test-3" })
	drill.Eventually(t, time.Minute, "5434 without the delayed member", func() bool {
		for i := 0; i < 6; i++ {
			if c.LandsOn(vip, lab.Ports.Replica) == "pg-test-3" {
				return false
			}
		}
		return true
	})

	ctx := context.Background()
	drill.Eventually(t, time.Minute, "the delay in effect on pg-test-3", func() bool {
		conn, err := outage.Connect(ctx, c.Target(vip, lab.Ports.Delayed))
		if err != nil {
			return false
		}
		defer conn.Close(ctx)
		var got string
		return conn.QueryRow(ctx, "show recovery_min_apply_delay").Scan(&got) == nil && got == fmt.Sprintf("%ds", int(delay.Seconds()))
	})
	w, err := outage.Connect(ctx, c.Target(vip, lab.Ports.Primary))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)
	if _, err := w.Exec(ctx, "create table if not exists delayed_probe (token text primary key)"); err != nil {
		t.Fatal(err)
	}
	token := fmt.Sprintf("t%d", time.Now().UnixNano())
	written := time.Now()
	if _, err := w.Exec(ctx, "insert into delayed_probe values ($1)", token); err != nil {
		t.Fatal(err)
	}
	visible := func(port int) bool { return outage.HasToken(ctx, c.Target(vip, port), "delayed_probe", token) }
	drill.Eventually(t, 5*time.Second, "the row on the replica service", func() bool { return visible(lab.Ports.Replica) })
	drill.Eventually(t, delay+30*time.Second, "the row on the delayed service", func() bool { return visible(lab.Ports.Delayed) })
	seen := time.Since(written)
	t.Logf("row visible on the delayed replica after %.1fs (delay %s)", seen.Seconds(), delay)
	if seen < delay-time.Second {
		t.Errorf("the delayed replica showed the row after %.1fs, before its %s delay", seen.Seconds(), delay)
	}
}
