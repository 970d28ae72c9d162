// Package ha tests high availability through the services on the lab: role changes,
// partitions, DCS loss and a hard kill under plain clients, the guard that keeps PostgreSQL under
// Patroni, fallbacks, the standby and delayed services, and reloads under load.
package ha

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

// fault is one scenario of TestFaultsPlainClients: it breaks something while the clients run
// and returns once the cluster serves again, and a repair that puts the lab back.
type fault struct {
	name string
	// synchronous runs the scenario on a synchronous cluster: no acknowledged write may be lost.
	synchronous bool
	// roleChange says the leader moves; otherwise it must stay.
	roleChange bool
	// deadNode says the leader's node dies: a client connected to that node's own address can
	// only be answered by its own TCP stack.
	deadNode bool
	run      func(t *testing.T, c *drill.Cluster, leader string) (repair func())
}

var faults = []fault{
	{name: "switchover", roleChange: true, run: func(t *testing.T, c *drill.Cluster, leader string) func() {
		candidate := c.OtherThan(leader, "pg-test-3")
		c.Patronictl(t, leader, fmt.Sprintf("switchover --leader %s --candidate %s --force", leader, candidate))
		return func() {}
	}},
	{name: "partition of the primary", roleChange: true, run: func(t *testing.T, c *drill.Cluster, leader string) func() {
		return c.Partition(t, leader)
	}},
	{name: "etcd majority stopped 60s", run: func(t *testing.T, c *drill.Cluster, leader string) func() {
		members := c.Spec.Etcd.Members[:len(c.Spec.Etcd.Members)/2+1]
		etcd(t, c, "stop", members)
		time.Sleep(60 * time.Second)
		return func() { etcd(t, c, "start", members) }
	}},
	{name: "etcd minority stopped 20s", run: func(t *testing.T, c *drill.Cluster, leader string) func() {
		members := c.Spec.Etcd.Members[len(c.Spec.Etcd.Members)-1:]
		etcd(t, c, "stop", members)
		time.Sleep(20 * time.Second)
		return func() { etcd(t, c, "start", members) }
	}},
	{name: "synchronous: partition of the primary", synchronous: true, roleChange: true, run: func(t *testing.T, c *drill.Cluster, leader string) func() {
		return c.Partition(t, leader)
	}},
	{name: "synchronous: hard kill of the primary's node", synchronous: true, roleChange: true, deadNode: true, run: func(t *testing.T, c *drill.Cluster, leader string) func() {
		lab.Run(t, "kill", leader)
		return func() { lab.Run(t, "start", leader) }
	}},
}

func etcd(t *testing.T, c *drill.Cluster, action string, machines []string) {
	t.Helper()
	ips := c.Spec.NodeIPs()
	for _, name := range machines {
		if _, err := lab.SSH(ips[name], "systemctl "+action+" etcd"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFaultsPlainClients runs each fault under clients as most applications run them: one
// connection each, no statement or connect timeout, the system's TCP keepalive. Each writes or
// reads every 50 ms through one host form of the seed. No client may wait past
// drill.SilenceBound once the cluster serves again; without a role change (DCS trouble) writes go
// on and none is lost; a synchronous cluster loses no acknowledged write; afterwards every member
// runs under Patroni and every route is right.
func TestFaultsPlainClients(t *testing.T) {
	c := drill.Setup(t)
	meta := drill.SetupCluster(t, "pg-meta")
	resolver := check.Resolver(c.Spec.Infra[0].IP)
	var report strings.Builder
	t.Cleanup(func() { t.Logf("plain clients, per fault:\n%s", report.String()) })
	// The scenarios of a synchronous cluster run last, on one edit of the stack; the committed
	// config is deployed again after them, before the leader is restored.
	synchronous := false
	t.Cleanup(func() {
		if synchronous {
			c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
		}
	})
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			if f.synchronous && !synchronous {
				synchronous = true
				c.Stack.WithConfig(t, func(cfg map[string]any) { cli.ClusterConfig(cfg, c.C.Name)["synchronous"] = true }).
					MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
				drill.Eventually(t, time.Minute, "a synchronous standby", func() bool { return len(drill.Passing(c.State().Status["/sync"])) > 0 })
			}
			// A synchronous cluster switches over only to its synchronous standby: its scenarios
			// start from whichever member leads.
			if f.synchronous {
				c.Settle(t)
			} else {
				c.RestoreLeader(t)
			}
			leader := c.Leader()
			observer := c.OtherThan(leader, c.OtherThan(leader, "pg-test-3"))
			vip := c.C.VIP.Address
			clients := []outage.PlainClient{
				{Name: "VIP:5433", Target: c.Target(vip, lab.Ports.Primary), Write: true},
				{Name: "VIP:5434", Target: c.Target(vip, lab.Ports.Replica)},
				{Name: c.C.Name + ":5436", Target: c.Target(c.C.Name, lab.Ports.Default), Write: true},
				{Name: observer + ":6432", Target: c.Target(c.IP(observer), lab.Ports.PgBouncer)},
				{Name: observer + ":5433", Target: c.Target(c.IP(observer), lab.Ports.Primary), Write: true},
				{Name: "multi-host 6432 read-write", Target: c.MultiHost("read-write"), Write: true},
				// The other cluster of the environment shares the DCS.
				{Name: "pg-meta-1:5433", Target: meta.Target(meta.IP("pg-meta-1"), lab.Ports.Primary), Write: true},
			}
			owner := func(i int) *drill.Cluster {
				if i == len(clients)-1 {
					return meta
				}
				return c
			}
			ctx := context.Background()
			for _, cl := range []*drill.Cluster{c, meta} {
				if err := outage.Prepare(ctx, cl.Target(cl.IP(cl.Leader()), lab.Ports.Postgres)); err != nil {
					t.Fatal(err)
				}
			}
			var faultAt time.Time
			repair := func() {}
			defer func() { repair() }()
			results, served := drill.PlainDrill(t, clients, resolver, func() {
				faultAt = time.Now()
				repair = f.run(t, c, leader)
			}, func() bool {
				l := c.Leader()
				return l != "" && (l != leader) == f.roleChange
			})
			// Without a role change the cluster is to serve throughout.
			if !f.roleChange {
				served = faultAt
			}
			repair()
			repair = func() {}
			c.UnderPatroni(t, 3*time.Minute)
			c.Settle(t)

			fmt.Fprintf(&report, "%s (%s leads after %.1fs):\n", f.name, c.Leader(), served.Sub(faultAt).Seconds())
			for i, cl := range clients {
				r := results[i]
				var silent []string
				for _, a := range r.SilentPast(served, drill.SilenceBound) {
					silent = append(silent, a.String())
				}
				lost := "-"
				if cl.Write {
					o := owner(i)
					l, err := outage.Lost(ctx, o.Target(o.IP(o.Leader()), lab.Ports.Postgres), r.Acked)
					if err != nil {
						t.Fatal(err)
					}
					lost = fmt.Sprint(len(l))
					if len(l) > 0 && (f.synchronous || !f.roleChange) {
						t.Errorf("%s: %d acknowledged writes lost", cl.Name, len(l))
					}
				}
				fmt.Fprintf(&report, "  %-28s ok %5d  errors %3d  longest stall %5.1fs  longest wait %5.1fs  silent %d  lost %s\n",
					cl.Name, r.OK, r.Failed, r.MaxGap.Seconds(), r.LongestWait().Seconds(), len(silent), lost)
				for _, a := range r.Slow[:min(len(r.Slow), 8)] {
					t.Logf("%s: %s", cl.Name, a)
				}
				// The multi-host URL's connection is to the killed node's own address.
				onDeadNode := f.deadNode && strings.HasPrefix(cl.Name, "multi-host")
				if len(silent) > 0 && !onDeadNode {
					t.Errorf("%s went silent past %s after the cluster served again: %s", cl.Name, drill.SilenceBound, strings.Join(silent, "; "))
				}
				if r.OK == 0 {
					t.Errorf("%s: no statement answered", cl.Name)
				}
				if !f.roleChange && r.MaxGap > drill.SilenceBound {
					t.Errorf("%s: no answer for %.1fs while the primary kept its role", cl.Name, r.MaxGap.Seconds())
				}
			}
			c.CheckRoutes(t)
		})
	}
}
