package stacks

import (
	"fmt"
	"net/netip"
	"regexp"
)

// Member roles, as in Pigsty's pg_role.
const (
	RolePrimary = "primary"
	RoleReplica = "replica"
	RoleOffline = "offline"
)

// Cluster is a Patroni-managed PostgreSQL cluster with its services.
type Cluster struct {
	// key is the config key the cluster came from, for error messages.
	key     string
	Name    string   `json:"name"`
	Version int      `json:"version"`
	Members []Member `json:"members"`
	Ports   Ports    `json:"ports"`
	// RTO names the failover plan: fast, norm, safe or wide.
	RTO string `json:"rto"`
	// Synchronous turns on Patroni's synchronous mode (an RPO of zero on failover).
	Synchronous bool `json:"synchronous"`
	// MaxLagOnFailover is Patroni's maximum_lag_on_failover in bytes (Pigsty's pg_rpo).
	MaxLagOnFailover int64 `json:"maxLagOnFailover"`
	// DefaultServices names the built-in services to run (primary, replica, default, offline, standby).
	DefaultServices []string   `json:"defaultServices"`
	Services        []Service  `json:"services"`
	VIP             VIP        `json:"vip"`
	DNS             DNS        `json:"dns"`
	PgBouncer       PgBouncer  `json:"pgbouncer"`
	Users           []User     `json:"users"`
	Databases       []Database `json:"databases"`
	// AllowedNetworks may reach PostgreSQL and PgBouncer with a password (pg_hba).
	AllowedNetworks []string `json:"allowedNetworks"`
	// RemoveDataOnDestroy deletes the data directories on `pulumi destroy`.
	RemoveDataOnDestroy bool `json:"removeDataOnDestroy"`
	// TLS is off, prefer (clients choose) or require (plaintext refused) for clients of
	// PostgreSQL and PgBouncer over the network.
	TLS string `json:"tls"`
}

// Key is the config key the cluster came from: pgsvc:cluster, or pgsvc:clusters[i].
func (c *Cluster) Key() string {
	if c.key == "" {
		return KeyCluster
	}
	return c.key
}

// Member is one PostgreSQL instance, named <cluster>-<seq>.
type Member struct {
	Seq  int    `json:"seq"`
	IP   string `json:"ip"`
	Role string `json:"role"`
	// OfflineQuery lets a replica serve the offline service (Pigsty's pg_offline_query).
	OfflineQuery bool              `json:"offlineQuery"`
	Tags         map[string]string `json:"tags"`
	Weight       int               `json:"weight"`
	// Delay makes the member a delayed replica (recovery_min_apply_delay, e.g. "1h"); it is kept
	// out of the normal read services and never promoted.
	Delay string `json:"delay"`
}

var (
	tagName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,63}$`)
	// delays PostgreSQL accepts for recovery_min_apply_delay
	delayValue = regexp.MustCompile(`^[0-9]+(ms|s|min|h|d)$`)
)

// validate checks the cluster on its own; Spec.validate checks it against the others.
func (c *Cluster) validate(p *problems) {
	key := c.Key()
	if !dnsLabel.MatchString(c.Name) {
		p.add(key+".name", c.Name, "not a valid cluster name (a DNS label: lower-case letters, digits and '-')")
	}
	if c.Version != 15 {
		p.add(key+".version", c.Version, "only PostgreSQL 15 (Debian 12's) is supported")
	}
	c.validateRTO(p)
	c.validateTLS(p)
	if c.MaxLagOnFailover < 0 {
		p.add(key+".maxLagOnFailover", c.MaxLagOnFailover, "must not be negative")
	}
	c.validateMembers(p)
	fixed := c.validatePorts(p)
	c.validateServices(p, fixed)
	c.validateVIP(p)
	c.validateDNS(p)
	c.PgBouncer.validate(p, key+".pgbouncer")
	c.validateUsers(p)
	for i, n := range c.AllowedNetworks {
		if _, err := netip.ParsePrefix(n); err != nil {
			p.add(fmt.Sprintf("%s.allowedNetworks[%d]", key, i), n, "not a CIDR network")
		}
	}
}

// validateMembers checks roles, weights, delays and tags; Spec.validateNodes checks seqs and
// addresses across clusters.
func (c *Cluster) validateMembers(p *problems) {
	if len(c.Members) == 0 {
		p.add(c.Key()+".members", "[]", "a cluster needs at least one member")
		return
	}
	primaries := 0
	for i, m := range c.Members {
		key := fmt.Sprintf("%s.members[%d]", c.Key(), i)
		switch m.Role {
		case RolePrimary:
			primaries++
			if m.Delay != "" {
				p.add(key+".delay", m.Delay, "the primary cannot be a delayed replica")
			}
		case RoleReplica, RoleOffline:
		default:
			p.add(key+".role", m.Role, "must be primary, replica or offline")
		}
		if m.Weight < 0 || m.Weight > 256 {
			p.add(key+".weight", m.Weight, "must be between 0 and 256")
		}
		if m.Delay != "" && !delayValue.MatchString(m.Delay) {
			p.add(key+".delay", m.Delay, "not a PostgreSQL duration such as 30s, 10min or 1h")
		}
		for k, v := range m.Tags {
			if !tagName.MatchString(k) || !tagName.MatchString(v) {
				p.add(key+".tags."+k, v, "tag names and values take letters, digits, '_', '.' and '-'")
			}
		}
	}
	if primaries != 1 {
		p.add(c.Key()+".members", fmt.Sprintf("%d primaries", primaries), "exactly one member must have role primary")
	}
}
