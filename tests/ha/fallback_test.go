package ha

import (
	"slices"
	"testing"
	"time"
)

func TestReplicaFallback(t *testing.T) {
	c := setup(t)
	leader := c.leader()
	replicas := []string{c.otherThan(leader), c.otherThan(leader, c.otherThan(leader))}
	c.systemctl(t, "stop", replicas...)
	defer c.systemctl(t, "start", replicas...)
	vip := c.spec.Cluster.VIP.Address
	eventually(t, 30*time.Second, "5434 on the primary", func() bool { return c.landsOn(vip, 5434) == leader })
	c.systemctl(t, "start", replicas...)
	eventually(t, 2*time.Minute, "5434 back on a replica", func() bool { return slices.Contains(replicas, c.landsOn(vip, 5434)) })
}

func TestOfflineFallback(t *testing.T) {
	c := setup(t)
	vip := c.spec.Cluster.VIP.Address
	eventually(t, 30*time.Second, "5438 on the offline member", func() bool { return c.landsOn(vip, 5438) == "pg-test-3" })
	c.systemctl(t, "stop", "pg-test-3")
	defer c.systemctl(t, "start", "pg-test-3")
	eventually(t, 30*time.Second, "5438 on the other replica", func() bool { return c.landsOn(vip, 5438) == "pg-test-2" })
	c.systemctl(t, "start", "pg-test-3")
	eventually(t, 2*time.Minute, "5438 back on the offline member", func() bool { return c.landsOn(vip, 5438) == "pg-test-3" })
}

// TestStandbyService runs the standby service (check /sync) in synchronous mode: it lands on the
// synchronous standby, and on the primary when no standby is up.
func TestStandbyService(t *testing.T) {
	c := setup(t)
	c.deployWith(t, func(cl map[string]any) {
		cl["synchronous"] = true
		cl["defaultServices"] = []any{"primary", "replica", "default", "offline", "standby"}
	})
	vip := c.spec.Cluster.VIP.Address
	var sync string
	eventually(t, time.Minute, "a synchronous standby", func() bool {
		s := trueKeys(c.state().Status["/sync"])
		if len(s) == 1 {
			sync = s[0]
		}
		return sync != ""
	})
	eventually(t, 30*time.Second, "5435 on the synchronous standby", func() bool { return c.landsOn(vip, 5435) == sync })
	leader := c.leader()
	replicas := []string{c.otherThan(leader), c.otherThan(leader, c.otherThan(leader))}
	c.systemctl(t, "stop", replicas...)
	defer c.systemctl(t, "start", replicas...)
	eventually(t, time.Minute, "5435 on the primary", func() bool { return c.landsOn(vip, 5435) == leader })
}
