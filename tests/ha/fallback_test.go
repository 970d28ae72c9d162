package ha

import (
	"slices"
	"testing"
	"time"

	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
)

func TestReplicaFallback(t *testing.T) {
	c := drill.Setup(t)
	leader := c.Leader()
	replicas := []string{c.OtherThan(leader), c.OtherThan(leader, c.OtherThan(leader))}
	c.Systemctl(t, "stop", replicas...)
	defer c.Systemctl(t, "start", replicas...)
	vip := c.C.VIP.Address
	drill.Eventually(t, 30*time.Second, "5434 on the primary", func() bool { return c.LandsOn(vip, lab.Ports.Replica) == leader })
	c.CheckRoutes(t)
	c.Systemctl(t, "start", replicas...)
	drill.Eventually(t, 2*time.Minute, "5434 back on a replica", func() bool { return slices.Contains(replicas, c.LandsOn(vip, lab.Ports.Replica)) })
	c.Settle(t)
	c.CheckRoutes(t)
}

func TestOfflineFallback(t *testing.T) {
	c := drill.Setup(t)
	vip := c.C.VIP.Address
	drill.Eventually(t, 30*time.Second, "5438 on the offline member", func() bool { return c.LandsOn(vip, lab.Ports.Offline) == "pg-test-3" })
	c.Systemctl(t, "stop", "pg-test-3")
	defer c.Systemctl(t, "start", "pg-test-3")
	drill.Eventually(t, 30*time.Second, "5438 on the other replica", func() bool { return c.LandsOn(vip, lab.Ports.Offline) == "pg-test-2" })
	c.Systemctl(t, "start", "pg-test-3")
	drill.Eventually(t, 2*time.Minute, "5438 back on the offline member", func() bool { return c.LandsOn(vip, lab.Ports.Offline) == "pg-test-3" })
	c.Settle(t)
	c.CheckRoutes(t)
}

// TestStandbyService runs the standby service (check /sync) in synchronous mode: it lands on the
// synchronous standby, and on the primary when no standby is up.
func TestStandbyService(t *testing.T) {
	c := drill.Setup(t)
	c.DeployWith(t, func(cl map[string]any) {
		cl["synchronous"] = true
		cl["defaultServices"] = []any{"primary", "replica", "default", "offline", "standby"}
	})
	vip := c.C.VIP.Address
	var sync string
	drill.Eventually(t, time.Minute, "a synchronous standby", func() bool {
		s := drill.Passing(c.State().Status["/sync"])
		if len(s) == 1 {
			sync = s[0]
		}
		return sync != ""
	})
	drill.Eventually(t, 30*time.Second, "5435 on the synchronous standby", func() bool { return c.LandsOn(vip, lab.Ports.Standby) == sync })
	leader := c.Leader()
	replicas := []string{c.OtherThan(leader), c.OtherThan(leader, c.OtherThan(leader))}
	c.Systemctl(t, "stop", replicas...)
	defer c.Systemctl(t, "start", replicas...)
	drill.Eventually(t, time.Minute, "5435 on the primary", func() bool { return c.LandsOn(vip, lab.Ports.Standby) == leader })
}
