// Package stacks is pgsvc's typed stack configuration: it decodes the `pgsvc:*` config keys,
// fills in Pigsty's defaults and validates everything before any resource is registered.
package stacks

import "time"

// Config keys read from the stack.
const (
	KeySSH   = "pgsvc:ssh"
	KeyInfra = "pgsvc:infra"
	KeyEtcd  = "pgsvc:etcd"
	KeyTLS   = "pgsvc:tls"
	// KeyCluster holds a stack's only cluster; KeyClusters a list of clusters. A stack sets one.
	KeyCluster  = "pgsvc:cluster"
	KeyClusters = "pgsvc:clusters"
)

// Spec is one validated environment: the infra nodes, the etcd DCS and DNS they share, and its
// PostgreSQL clusters.
type Spec struct {
	SSH      SSH
	Infra    []Node
	Etcd     Etcd
	TLS      TLS
	Clusters []Cluster
}

// TLS is the environment's certificate authority and the certificates it issues to the nodes.
type TLS struct {
	// Rotation is a label (up to 32 of a-z, 0-9 and '-'); changing it issues every node a new
	// key and certificate (the CA stays).
	Rotation string `json:"rotation"`
	// CADays and CertDays are how long the CA and the node certificates are valid.
	CADays   int `json:"caDays"`
	CertDays int `json:"certDays"`
}

// TLS modes of a cluster's PostgreSQL and PgBouncer listeners.
const (
	TLSOff     = "off"
	TLSPrefer  = "prefer"
	TLSRequire = "require"
)

// Find is the cluster named name, or nil.
func (s *Spec) Find(name string) *Cluster {
	for i := range s.Clusters {
		if s.Clusters[i].Name == name {
			return &s.Clusters[i]
		}
	}
	return nil
}

// SSH says how pgsvc reaches every node.
type SSH struct {
	User string `json:"user"`
	Port int    `json:"port"`
	// PrivateKeyFile is read by the program; the key itself travels as a Pulumi secret.
	PrivateKeyFile string `json:"privateKeyFile"`
}

// Node is a machine pgsvc manages.
type Node struct {
	Name string `json:"name"`
	IP   string `json:"ip"`
}

// DCS API versions of etcd.
const (
	DCSv2 = "v2"
	DCSv3 = "v3"
)

// Etcd is the DCS: which nodes run an etcd member, and which API Patroni uses.
type Etcd struct {
	// Members are node names (infra nodes or cluster members).
	Members    []string `json:"members"`
	ClientPort int      `json:"clientPort"`
	PeerPort   int      `json:"peerPort"`
	// API is the etcd API Patroni speaks: v2 by default, as stacks deployed before run it.
	API string `json:"api"`
}

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

// Ports of the per-node daemons.
type Ports struct {
	Postgres     int `json:"postgres"`
	PgBouncer    int `json:"pgbouncer"`
	Patroni      int `json:"patroni"`
	HAProxyStats int `json:"haproxyStats"`
}

// Service is an HAProxy listener that routes to the members that pass a Patroni health check.
type Service struct {
	Name string `json:"name"`
	Port int    `json:"port"`
	// IP is the bind address, "*" for all.
	IP string `json:"ip"`
	// Selector picks the members that serve; empty means all members.
	Selector Selector `json:"selector"`
	// Backup picks members that serve only when no selected member passes its check.
	Backup Selector `json:"backup"`
	// BackupCheck is the Patroni path that backup members must pass (default: Check). A check
	// of its own lets the fallback follow the live roles, e.g. to whichever member is primary.
	BackupCheck string `json:"backupCheck"`
	// Dest is postgres, pgbouncer, default (the cluster's pooler) or a port number.
	Dest    string `json:"dest"`
	Check   string `json:"check"`
	MaxConn int    `json:"maxconn"`
	Balance string `json:"balance"`
	// Options replaces the RTO plan's default-server options when set.
	Options string `json:"options"`
	// Hold is how long a new connection waits for a server while none passes its check (a role
	// change in flight), before HAProxy closes it; "0s" closes at once.
	Hold string `json:"hold"`
}

// Selector picks members: a member matches when any one of its clauses matches.
type Selector []Match

// Match is one selector clause: every field that is set must hold.
type Match struct {
	Roles        []string          `json:"roles"`
	OfflineQuery *bool             `json:"offlineQuery"`
	Delayed      *bool             `json:"delayed"`
	Tags         map[string]string `json:"tags"`
	Seqs         []int             `json:"seqs"`
}

// DNS targets for the cluster name.
const (
	DNSAuto    = "auto"
	DNSPrimary = "primary"
	DNSVIP     = "vip"
	DNSNone    = "none"
)

// VIP is an L2 address that pgsvc keeps on the member Patroni reports the primary.
type VIP struct {
	Enabled   bool   `json:"enabled"`
	Address   string `json:"address"`
	Prefix    int    `json:"prefix"`
	Interface string `json:"interface"`
}

// DNS is what the infra nodes' dnsmasq answers for the cluster.
type DNS struct {
	// Target: auto (the VIP when enabled, else the primary), primary, vip, none, or an IP.
	Target string `json:"target"`
	// Suffix is appended to every record name (e.g. ".pg.lan"); empty for bare names.
	Suffix string `json:"suffix"`
}

// PgBouncer settings, Pigsty's defaults unless set.
type PgBouncer struct {
	PoolMode        string `json:"poolMode"`
	DefaultPoolSize int    `json:"defaultPoolSize"`
	ReservePoolSize int    `json:"reservePoolSize"`
	// MaxClientConn is capped by the node's open-files limit at deploy time; 0 means derive it.
	MaxClientConn int `json:"maxClientConn"`
	// QueryWaitTimeout bounds how long a client waits for a server connection (PgBouncer's
	// query_wait_timeout, whole seconds): while PostgreSQL is down or paused for a role change,
	// a client gets an error after this long instead of waiting with no answer.
	QueryWaitTimeout string `json:"queryWaitTimeout"`
}

// QueryWaitSeconds is QueryWaitTimeout in seconds; the value was validated on load.
func (b PgBouncer) QueryWaitSeconds() int {
	d, _ := time.ParseDuration(b.QueryWaitTimeout)
	return int(d / time.Second)
}

// User is a PostgreSQL role with a generated password.
type User struct {
	Name      string   `json:"name"`
	Superuser bool     `json:"superuser"`
	CreateDB  bool     `json:"createdb"`
	Roles     []string `json:"roles"`
	// PgBouncer puts the user in the pooler's auth file (default true).
	PgBouncer *bool `json:"pgbouncer"`
	// Rotation is a free-form keeper: changing it generates a new password.
	Rotation string `json:"rotation"`
}

// Database is a PostgreSQL database.
type Database struct {
	Name  string `json:"name"`
	Owner string `json:"owner"`
}
