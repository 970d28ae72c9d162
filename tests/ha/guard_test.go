package ha

import (
	"context"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/render"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
)

// guardBound is how long a member whose Patroni rejects its running PostgreSQL may stay so: the
// guard looks every 5 s at what Patroni logged, stops that PostgreSQL (fast shutdown), and
// Patroni starts it again in its next loop.
const guardBound = 60 * time.Second

// TestGuardRestoresPatroni makes a replica's Patroni reject its running PostgreSQL as Patroni
// 3.0.2 does on an overloaded node (the pid file's start time more than 3 s from the process's),
// and checks that the member is reported and back under Patroni within guardBound.
func TestGuardRestoresPatroni(t *testing.T) {
	c := drill.Setup(t)
	replica := c.OtherThan(c.Leader(), "pg-test-3")
	ip := c.IP(replica)
	t.Cleanup(func() { lab.SSH(ip, "systemctl start patroni") })
	pidfile := render.DataDir(c.C) + "/postmaster.pid"
	// Patroni leaves PostgreSQL running when it is killed; the pid file then says the postmaster
	// started a minute before it did.
	script := "set -eu\n" +
		"systemctl kill -s KILL --kill-whom=main patroni\n" +
		"for i in $(seq 50); do systemctl is-active -q patroni || break; sleep 0.1; done\n" +
		"pid=$(head -1 " + pidfile + ")\n" +
		"kill -0 \"$pid\"\n" +
		"awk 'NR == 3 { $0 = $0 - 60 } { print }' " + pidfile + " > /tmp/pgsvc-pid && cat /tmp/pgsvc-pid > " + pidfile + "\n" +
		"systemctl start patroni\n" +
		"echo \"$pid\""
	out, err := lab.SSH(ip, script)
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.TrimSpace(out)
	start := time.Now()
	seen := false
	for {
		members := check.ReadMembers(context.Background(), c.C, c.REST)
		for _, m := range members {
			if m.Name == replica && !m.UnderPatroni() {
				if !seen {
					t.Logf("reported: %s", m)
				}
				seen = true
			}
		}
		acted := "Patroni does not recognise PostgreSQL (pid " + pid + ")"
		if got, _ := lab.SSH(ip, "journalctl -q -u "+render.PatroniGuardUnit+" -o cat --since=-10min"); strings.Contains(got, acted) {
			t.Logf("the guard acted after %.1fs: %s", time.Since(start).Seconds(), acted)
			break
		}
		if time.Since(start) > guardBound {
			t.Fatalf("the guard did not act on %s within %s", replica, guardBound)
		}
		time.Sleep(time.Second)
	}
	if !seen {
		t.Errorf("%s was never reported outside Patroni while the guard had not yet acted", replica)
	}
	c.UnderPatroni(t, guardBound)
	t.Logf("%s back under Patroni %.1fs after its Patroni restarted", replica, time.Since(start).Seconds())
	if d := time.Since(start); d > guardBound {
		t.Errorf("%s back under Patroni after %.0fs, bound %s", replica, d.Seconds(), guardBound)
	}
	if out, _ := lab.SSH(ip, "head -1 "+pidfile); strings.TrimSpace(out) == pid {
		t.Errorf("the postmaster Patroni rejected (pid %s) still runs", pid)
	}
	c.Settle(t)
	c.CheckRoutes(t)
}
