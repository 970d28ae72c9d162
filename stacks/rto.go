package stacks

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
	Inter               string
	FastInter           string
	DownInter           string
	Rise                int
	Fall                int
}

var rtoPlans = map[string]RTOPlan{
	"fast": {TTL: 12, LoopWait: 2, RetryTimeout: 5, PrimaryStartTimeout: 10, Inter: "1s", FastInter: "500ms", DownInter: "500ms", Rise: 1, Fall: 3},
	"norm": {TTL: 16, LoopWait: 4, RetryTimeout: 6, PrimaryStartTimeout: 15, Inter: "2s", FastInter: "1s", DownInter: "1s", Rise: 1, Fall: 3},
	"safe": {TTL: 30, LoopWait: 5, RetryTimeout: 10, PrimaryStartTimeout: 25, Inter: "3s", FastInter: "1500ms", DownInter: "3s", Rise: 1, Fall: 3},
	"wide": {TTL: 60, LoopWait: 10, RetryTimeout: 20, PrimaryStartTimeout: 45, Inter: "4s", FastInter: "2s", DownInter: "4s", Rise: 1, Fall: 3},
}

// Plan returns the cluster's RTO plan; the name was validated on load.
func (c *Cluster) Plan() RTOPlan {
	return rtoPlans[c.RTO]
}

// ServerOptions are HAProxy's default-server options under this plan.
func (p RTOPlan) ServerOptions() string {
	return fmt.Sprintf("inter %s fastinter %s downinter %s rise %d fall %d on-marked-down shutdown-sessions slowstart 30s maxconn 3000 maxqueue 128 weight 100",
		p.Inter, p.FastInter, p.DownInter, p.Rise, p.Fall)
}

// CheckSpread is the longest fast check interval of any service: HAProxies on different members
// check on their own clocks, so one sees a member go down up to that much after another.
func (c *Cluster) CheckSpread() time.Duration {
	var longest time.Duration
	for _, s := range c.AllServices() {
		longest = max(longest, fastInter(c.ServerOptions(s)))
	}
	return longest
}

// fastInter reads fastinter from HAProxy server options; HAProxy's default is inter, whose own
// default is 2s. Bare numbers are ms.
func fastInter(options string) time.Duration {
	inter, fast := 2*time.Second, time.Duration(0)
	words := strings.Fields(options)
	for i := 0; i+1 < len(words); i++ {
		switch words[i] {
		case "inter":
			inter = haproxyDuration(words[i+1], inter)
		case "fastinter":
			fast = haproxyDuration(words[i+1], fast)
		}
	}
	if fast == 0 {
		return inter
	}
	return fast
}

func haproxyDuration(s string, otherwise time.Duration) time.Duration {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Millisecond
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d
	}
	return otherwise
}
