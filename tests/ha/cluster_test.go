// Package ha tests high availability through the services on the lab: switchover, hard
// failover, fallbacks, the standby and delayed services, and reloads under load.
package ha

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
)

// cluster is the deployed dev stack as the tests see it.
type cluster struct {
	stack *cli.Stack
	spec  *stacks.Spec
	creds check.Credentials
}

func setup(t *testing.T) *cluster {
	t.Helper()
	s := cli.DevStack(t)
	var outs struct {
		UserPasswords check.Credentials `json:"userPasswords"`
	}
	s.Outputs(t, &outs)
	c := &cluster{stack: s, spec: s.Spec(t), creds: outs.UserPasswords}
	c.settle(t)
	// Registered first, so it runs last: after any config edit of the test is reverted (a
	// synchronous cluster takes a switchover only to its synchronous standby).
	t.Cleanup(func() { c.restoreLeader(t) })
	return c
}

func (c *cluster) state() check.State {
	return check.ReadState(context.Background(), &c.spec.Cluster)
}

func (c *cluster) leader() string { return c.state().Leader() }

func (c *cluster) ip(member string) string {
	for _, m := range c.spec.Cluster.Members {
		if c.spec.Cluster.MemberName(m) == member {
			return m.IP
		}
	}
	panic("no member " + member)
}

// target is the test user on the test database through host:port.
func (c *cluster) target(host string, port int) check.Target {
	return check.Target{Host: host, Port: port, User: "test", Password: c.creds["test"], Database: "test"}
}

// landsOn probes host:port and returns the member it reached ("" on error).
func (c *cluster) landsOn(host string, port int) string {
	return check.Probe(context.Background(), c.target(host, port), nil).Member
}

// eventually polls cond every 500ms until it holds, failing after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(500 * time.Millisecond)
	}
	return time.Since(start)
}

// patronictl runs patronictl as postgres on a member.
func (c *cluster) patronictl(t *testing.T, member, args string) {
	t.Helper()
	if _, err := cli.LabSSH(c.ip(member), "cd / && runuser -u postgres -- patronictl -c /etc/patroni/config.yml "+args); err != nil {
		t.Fatal(err)
	}
}

// systemctl runs systemctl on members.
func (c *cluster) systemctl(t *testing.T, action string, members ...string) {
	t.Helper()
	for _, m := range members {
		if _, err := cli.LabSSH(c.ip(m), "systemctl "+action+" patroni"); err != nil {
			t.Fatal(err)
		}
	}
}

// restoreLeader switches leadership back to the configured primary, so that every test starts
// from the deployed topology.
func (c *cluster) restoreLeader(t *testing.T) {
	t.Helper()
	want := c.spec.Cluster.MemberName(c.spec.Cluster.Primary())
	c.settle(t)
	if l := c.leader(); l != want {
		c.patronictl(t, l, fmt.Sprintf("switchover --leader %s --candidate %s --force", l, want))
		eventually(t, time.Minute, want+" leads again", func() bool { return c.leader() == want })
	}
	c.settle(t)
}

// settle waits until every member is healthy and the primary service reaches the leader from
// every member's HAProxy.
func (c *cluster) settle(t *testing.T) {
	t.Helper()
	eventually(t, 2*time.Minute, "a settled cluster", func() bool {
		st := c.state()
		leader := st.Leader()
		if leader == "" || len(trueKeys(st.Status["/health"])) != len(c.spec.Cluster.Members) {
			return false
		}
		for _, m := range c.spec.Cluster.Members {
			if c.landsOn(m.IP, 5433) != leader {
				return false
			}
		}
		return true
	})
}

// deployWith applies an edited stack config, and puts the committed one back after the test.
func (c *cluster) deployWith(t *testing.T, edit func(cluster map[string]any)) {
	t.Helper()
	edited := c.stack.WithConfig(t, func(cfg map[string]any) { edit(cfg[stacks.KeyCluster].(map[string]any)) })
	t.Cleanup(func() {
		c.stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	})
	edited.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
}

func trueKeys(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// otherThan picks a member that is none of the given ones.
func (c *cluster) otherThan(not ...string) string {
	for _, m := range c.spec.Cluster.Members {
		if name := c.spec.Cluster.MemberName(m); !slices.Contains(not, name) {
			return name
		}
	}
	panic("no other member")
}
