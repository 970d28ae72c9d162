package stacks

import "time"

// RTOPlan holds the timings one failover plan gives Patroni and HAProxy.
//
// The plans keep Pigsty's names and shape (the plan drives both Patroni's lease and HAProxy's
// checks) but not all its numbers. A dead primary is replaced once its leader lease (ttl)
// expires, between ttl-loop_wait and ttl after the loss, plus the promotion and one HAProxy
// check. Pigsty's norm (ttl 30) gives about 30-35 s; pgsvc's norm leases for 16 s to fail over
// within 20 s, and fast for 12 s. safe and wide are Pigsty's norm and safe, for networks where a
// short DCS outage must not demote the primary: Patroni keeps the lock through DCS trouble
// shorter than retry_timeout, and ttl >= loop_wait + 2*retry_timeout holds for every plan.
//
// A server comes up after one passing check (rise 1, where Pigsty waits for three): Patroni's
// endpoints report state it holds in the DCS, such as the leader lock, so a single 200 is already
// the truth. Servers go down only after three failed checks (fall 3), so one lost check never
// cuts sessions.
type RTOPlan struct {
	TTL                 int
	LoopWait            int
	RetryTimeout        int
	PrimaryStartTimeout int
	// HAProxy's health checks: the interval, the one while a server changes state, and the one
	// while it is down.
	Inter, FastInter, DownInter time.Duration
	Rise, Fall                  int
}

var rtoPlans = map[string]RTOPlan{
	"fast": {TTL: 12, LoopWait: 2, RetryTimeout: 5, PrimaryStartTimeout: 10, Inter: time.Second, FastInter: 500 * time.Millisecond, DownInter: 500 * time.Millisecond, Rise: 1, Fall: 3},
	"norm": {TTL: 16, LoopWait: 4, RetryTimeout: 6, PrimaryStartTimeout: 15, Inter: 2 * time.Second, FastInter: time.Second, DownInter: time.Second, Rise: 1, Fall: 3},
	"safe": {TTL: 30, LoopWait: 5, RetryTimeout: 10, PrimaryStartTimeout: 25, Inter: 3 * time.Second, FastInter: 1500 * time.Millisecond, DownInter: 3 * time.Second, Rise: 1, Fall: 3},
	"wide": {TTL: 60, LoopWait: 10, RetryTimeout: 20, PrimaryStartTimeout: 45, Inter: 4 * time.Second, FastInter: 2 * time.Second, DownInter: 4 * time.Second, Rise: 1, Fall: 3},
}

// Plan returns the cluster's RTO plan; the name was validated on load.
func (c *Cluster) Plan() RTOPlan {
	return rtoPlans[c.RTO]
}

func (c *Cluster) validateRTO(p *problems) {
	if _, ok := rtoPlans[c.RTO]; !ok {
		p.add(c.Key()+".rto", c.RTO, "must be one of fast, norm, safe, wide")
	}
}
