package stacks

import "fmt"

// RTOPlan holds the timings one failover plan gives Patroni and HAProxy. The four plans follow
// Pigsty's pg_rto presets (Patroni's lease and loop, HAProxy's check intervals), with one change:
// a server comes up after one passing check (rise 1, where Pigsty waits for three). Patroni's
// endpoints report state it holds in the DCS, such as the leader lock, so a single 200 is already
// the truth; waiting for more only lengthens every failover by (rise-1) x fastinter. Servers
// still go down only after three failed checks (fall 3), so one lost check never cuts sessions.
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
	"fast": {TTL: 20, LoopWait: 5, RetryTimeout: 5, PrimaryStartTimeout: 15, Inter: "1s", FastInter: "500ms", DownInter: "1s", Rise: 1, Fall: 3},
	"norm": {TTL: 30, LoopWait: 5, RetryTimeout: 10, PrimaryStartTimeout: 25, Inter: "2s", FastInter: "1s", DownInter: "2s", Rise: 1, Fall: 3},
	"safe": {TTL: 60, LoopWait: 10, RetryTimeout: 20, PrimaryStartTimeout: 45, Inter: "3s", FastInter: "1500ms", DownInter: "3s", Rise: 1, Fall: 3},
	"wide": {TTL: 120, LoopWait: 20, RetryTimeout: 30, PrimaryStartTimeout: 95, Inter: "4s", FastInter: "2s", DownInter: "4s", Rise: 1, Fall: 3},
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
