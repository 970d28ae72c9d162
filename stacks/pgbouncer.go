package stacks

import (
	"slices"
	"strings"
	"time"
)

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

var poolModes = []string{"session", "transaction", "statement"}

// validate checks the settings found at the config key key.
func (b PgBouncer) validate(p *problems, key string) {
	if !slices.Contains(poolModes, b.PoolMode) {
		p.add(key+".poolMode", b.PoolMode, "must be one of %s", strings.Join(poolModes, ", "))
	}
	if b.DefaultPoolSize < 1 || b.DefaultPoolSize > 10000 {
		p.add(key+".defaultPoolSize", b.DefaultPoolSize, "must be between 1 and 10000")
	}
	if b.ReservePoolSize < 0 || b.ReservePoolSize > 10000 {
		p.add(key+".reservePoolSize", b.ReservePoolSize, "must be between 0 and 10000")
	}
	if b.MaxClientConn < 0 {
		p.add(key+".maxClientConn", b.MaxClientConn, "must not be negative (0 derives it from the node's open-files limit)")
	}
	if d, err := time.ParseDuration(b.QueryWaitTimeout); err != nil || d < time.Second || d > 10*time.Minute || d%time.Second != 0 {
		p.add(key+".queryWaitTimeout", b.QueryWaitTimeout, "must be whole seconds between 1s and 10m, like 10s")
	}
}
