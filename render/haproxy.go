package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"pgsvc/stacks"
)

// HAProxyStateFile is where server health is saved across reloads.
const HAProxyStateFile = "/var/lib/haproxy/server-state"

// HAProxyServicesDir holds one file per service; HAProxy loads it after haproxy.cfg.
const HAProxyServicesDir = "/etc/haproxy/services"

// HAProxyConfig is /etc/haproxy/haproxy.cfg: global settings, defaults and the stats page.
func HAProxyConfig(c *stacks.Cluster, sec Secrets) File {
	data := map[string]any{"C": c, "AdminPassword": sec[SecretHAProxy], "StateFile": HAProxyStateFile, "Lua": HAProxyHoldPath,
		"StatSocket": HAProxyStatSocket, "StatsTLS": c.WebTLS(), "PEM": HAProxyPEMPath}
	return File{Path: "/etc/haproxy/haproxy.cfg", Mode: "0640", Owner: userRoot, Group: groupHAProxy,
		Content: execute("haproxy.cfg.tmpl", data), Secret: true}
}

// HAProxyService is one service: a listen section, or, when it has backup servers, a frontend
// that uses the main backend while any of its servers is up and the backup backend otherwise.
// Each backend checks its own Patroni path, so the fallback follows the live roles.
func HAProxyService(c *stacks.Cluster, svc stacks.Service) File {
	section := haproxySection(c, svc)
	backend := func(name, check string, servers []stacks.Server) map[string]any {
		return map[string]any{"Name": name, "Check": check, "Servers": servers}
	}
	data := map[string]any{
		"Section": section, "Bind": fmt.Sprintf("%s:%d", svc.IP, svc.Port), "S": svc,
		"Options": serverOptions(c, svc), "DestPort": c.DestPort(svc), "PatroniPort": c.Ports.Patroni,
		"CheckTLS": c.WebTLS(), "CA": CACertPath,
		"Main": backend(section, svc.Check, c.Servers(svc)),
	}
	main, backup := haproxyBackends(c, svc)
	data["HoldBackends"] = main
	if backup != "" {
		data["Main"] = backend(main, svc.Check, c.Servers(svc))
		data["Backup"] = backend(backup, svc.BackupCheck, c.BackupServers(svc))
		data["HoldBackends"] = main + "," + backup
	}
	// The inspect delay bounds the hold action; it must outlast it, or the action is cut short.
	data["InspectDelay"] = svc.HoldMillis() + 1000
	return File{Path: fmt.Sprintf("%s/%s.cfg", HAProxyServicesDir, section), Mode: "0644",
		Owner: userRoot, Group: userRoot, Content: execute("haproxy-service.cfg.tmpl", data)}
}

// HAProxyHoldPath is the Lua action that holds new connections while a service has no server.
const HAProxyHoldPath = "/etc/haproxy/pgsvc-hold.lua"

// HAProxyHold is the hold action, loaded by haproxy.cfg.
func HAProxyHold() File {
	return File{Path: HAProxyHoldPath, Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("haproxy-hold.lua.tmpl", map[string]int{"Poll": holdPollMillis})}
}

// holdPollMillis is how often a held connection looks for a server: a tenth of HAProxy's
// fastest check interval, so it adds little to the wait.
const holdPollMillis = 50

// haproxySection names a service's section (and its file): <cluster>-<service>.
func haproxySection(c *stacks.Cluster, svc stacks.Service) string {
	return c.Name + "-" + svc.Name
}

// haproxyBackends names a service's backends: the listen section itself, or, with backup servers,
// its main and backup backends.
func haproxyBackends(c *stacks.Cluster, svc stacks.Service) (main, backup string) {
	section := haproxySection(c, svc)
	if len(c.BackupServers(svc)) == 0 {
		return section, ""
	}
	return section + "-main", section + "-backup"
}

// primaryBackends are the backends that route by /primary: a demoted primary is out of them once
// HAProxy's checks have seen it go.
func primaryBackends(c *stacks.Cluster) []string {
	var out []string
	for _, svc := range c.AllServices() {
		main, backup := haproxyBackends(c, svc)
		if svc.Check == "/primary" {
			out = append(out, main)
		}
		if backup != "" && svc.BackupCheck == "/primary" {
			out = append(out, backup)
		}
	}
	return out
}

// HAProxyRoutingPath tells Patroni's callback which backends route by /primary and how far apart
// the members' HAProxies may see a check fail (CHECK_SPREAD, in seconds).
const HAProxyRoutingPath = "/etc/haproxy/pgsvc-routing.env"

// HAProxyRouting is the file at HAProxyRoutingPath, sourced by the callback's shell.
func HAProxyRouting(c *stacks.Cluster) File {
	data := map[string]any{"Backends": strings.Join(primaryBackends(c), ","), "Spread": fmt.Sprintf("%g", checkSpread(c).Seconds())}
	return File{Path: HAProxyRoutingPath, Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("haproxy-routing.env.tmpl", data)}
}

// HAProxyStatSocket answers read-only stats queries (level user) for the postgres group: the
// Patroni callback reads from it when its member has left the primary services.
const HAProxyStatSocket = "/run/haproxy/pgsvc-stat.sock"

// HAProxyDropIn makes Debian's haproxy.service load the services directory too, for start and
// for the validation that runs before every reload.
func HAProxyDropIn() File {
	return File{Path: "/etc/systemd/system/haproxy.service.d/pgsvc.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("haproxy-dropin.conf.tmpl", map[string]string{"Dir": HAProxyServicesDir})}
}

// serverOptions are a service's default-server options: its own, or those of the cluster's RTO
// plan.
func serverOptions(c *stacks.Cluster, s stacks.Service) string {
	if s.Options != "" {
		return s.Options
	}
	p := c.Plan()
	return fmt.Sprintf("inter %s fastinter %s downinter %s rise %d fall %d on-marked-down shutdown-sessions slowstart 30s maxconn 3000 maxqueue 128 weight 100",
		haproxyTime(p.Inter), haproxyTime(p.FastInter), haproxyTime(p.DownInter), p.Rise, p.Fall)
}

// haproxyTime writes a duration as HAProxy reads it: whole seconds as Ns, else milliseconds.
func haproxyTime(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// checkSpread is the longest fast check interval of any service: HAProxies on different members
// check on their own clocks, so one sees a member go down up to that much after another.
func checkSpread(c *stacks.Cluster) time.Duration {
	var longest time.Duration
	for _, s := range c.AllServices() {
		longest = max(longest, fastInter(serverOptions(c, s)))
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
			inter = parseHAProxyTime(words[i+1], inter)
		case "fastinter":
			fast = parseHAProxyTime(words[i+1], fast)
		}
	}
	if fast == 0 {
		return inter
	}
	return fast
}

func parseHAProxyTime(s string, otherwise time.Duration) time.Duration {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Millisecond
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d
	}
	return otherwise
}
