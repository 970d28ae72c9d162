package render

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"pgsvc/stacks"
)

// Scripts that remote commands run on a node, by the SSH login's shell (bash on Debian). Every
// string value reaches a script (these and the script files in templates/) through ShellQuote,
// once, most often into a shell variable; integers are formatted by Go.

// Strict is the head of every remote command: stop at the first failure, an unset variable or
// a failed stage of a pipe.
const Strict = "set -euo pipefail\n"

// AsRoot runs a script as root through sudo, never asking for a password (-n). Standard input
// passes through; of the environment, only the previous outputs that delete commands compare
// (a file's ownership token) are kept.
func AsRoot(script string) string {
	return "sudo -n --preserve-env=PULUMI_COMMAND_STDOUT,PULUMI_COMMAND_STDERR bash -c " + ShellQuote(script)
}

// OwnersDir records, per file path, the token of the command that wrote the file last.
const OwnersDir = "/var/lib/pgsvc/owners"

// FileOps say what a file's owner does around a write.
type FileOps struct {
	// Validate runs with the new file in place; on failure the old file is put back.
	Validate string
	// OnChange runs after the file changed (a reload), with the previous file, if there was
	// one, at "$f.pgsvc-old"; OnDelete runs after the file was removed.
	OnChange string
	OnDelete string
}

// WriteFile writes a file from stdin atomically with its owner and mode, runs the ops when its
// content changed, and takes ownership of the path with a fresh token, which it prints.
func WriteFile(f File, ops FileOps) string {
	return string(execute("write-file.sh.tmpl", fileScriptData(f, ops)))
}

// RemoveFile removes a file, and runs OnDelete, only while the token of the command that wrote
// it ($PULUMI_COMMAND_STDOUT) still owns it: a newer write is never undone.
func RemoveFile(f File, ops FileOps) string {
	return string(execute("remove-file.sh.tmpl", fileScriptData(f, ops)))
}

func fileScriptData(f File, ops FileOps) map[string]any {
	return map[string]any{"Path": f.Path, "Dir": path.Dir(f.Path), "Owners": OwnersDir,
		"Owner": f.Owner + ":" + f.Group, "Mode": f.Mode, "Ops": ops}
}

// snippet renders a script that another one embeds, without its final newline.
func snippet(name string, data any) string {
	return strings.TrimSuffix(string(execute(name, data)), "\n")
}

// DnsmasqStart starts dnsmasq with the directory of the clusters' records in place.
func DnsmasqStart() string {
	return "install -d " + ShellQuote(DNSHostsDir) + "\n" + StartService("dnsmasq")
}

// Preflight fails clearly on a node pgsvc cannot manage. It runs as the SSH login.
func Preflight(node, ip string) string {
	return string(execute("preflight.sh.tmpl", map[string]string{"Node": node + " (" + ip + ")"}))
}

// Install installs packages without letting their maintainer scripts start any daemon:
// pgsvc starts each daemon itself once its configuration is written.
func Install(packages []string) string {
	pkgs := slices.Clone(packages)
	slices.Sort(pkgs)
	return string(execute("install.sh.tmpl", pkgs))
}

// Facts prints the node facts that rendering needs: the open-files limit daemons get.
const Facts = `awk '/^Max open files/ {print $5}' /proc/1/limits`

// StartService enables a unit and starts it unless it runs; changes of its files reload or
// restart it on their own (FileOps).
func StartService(unit string) string {
	u := ShellQuote(unit)
	return fmt.Sprintf("systemctl daemon-reload && systemctl enable -q %[1]s && systemctl start %[1]s", u)
}

// StopService disables and stops a unit; a missing unit is not an error.
func StopService(unit string) string {
	return fmt.Sprintf("systemctl disable --now -q %s 2>/dev/null || true", ShellQuote(unit))
}

// ReloadIfActive reloads a running unit after its configuration changed.
func ReloadIfActive(unit string) string {
	return fmt.Sprintf("if systemctl is-active -q %[1]s; then systemctl reload %[1]s; fi", ShellQuote(unit))
}

// RestartIfActive restarts a running unit whose daemon cannot reload.
func RestartIfActive(unit string) string {
	return fmt.Sprintf("if systemctl is-active -q %[1]s; then systemctl restart %[1]s; fi", ShellQuote(unit))
}

// DaemonReload makes systemd read changed unit files and drop-ins.
const DaemonReload = "systemctl daemon-reload"

// WaitFor retries a check once a second, failing with message after timeout seconds.
func WaitFor(check string, timeout int, message string) string {
	return fmt.Sprintf(`i=0; until %s; do i=$((i+1)); if [ $i -ge %d ]; then echo %s >&2; exit 1; fi; sleep 1; done`,
		check, timeout, ShellQuote(message))
}

// HTTPStatusIs checks that a local URL answers with the given status; an https URL's
// certificate must be the environment CA's.
func HTTPStatusIs(url string, status int) string {
	ca := ""
	if strings.HasPrefix(url, "https:") {
		ca = " --cacert " + ShellQuote(CACertPath)
	}
	return fmt.Sprintf(`[ "$(curl -s -o /dev/null -m 2%s -w '%%{http_code}' %s)" = %d ]`, ca, ShellQuote(url), status)
}

// LocalSQL runs one query as postgres over the local socket and prints its result unaligned.
func LocalSQL(port int, query string) string {
	return fmt.Sprintf("runuser -u postgres -- psql -X -Atq -h /var/run/postgresql -p %d -d postgres -c %s", port, ShellQuote(query))
}

// ReloadPostgres makes a running PostgreSQL reread its configuration and TLS files.
func ReloadPostgres(port int) string {
	return fmt.Sprintf("if systemctl is-active -q patroni; then %s >/dev/null || true; fi", LocalSQL(port, "select pg_reload_conf()"))
}

// Patronictl runs patronictl as postgres with the member's config.
const Patronictl = "cd / && runuser -u postgres -- patronictl -c " + PatroniConfigPath

// OnPrimary runs command as postgres, but only on the member that is primary now: every member
// carries the command, and whichever leads when it runs applies it.
func OnPrimary(c *stacks.Cluster, command string) string {
	return fmt.Sprintf("if %s; then\n  cd / && runuser -u postgres -- %s\nfi", HTTPStatusIs(c.PatroniURL("127.0.0.1", "/primary"), 200), command)
}

// PsqlStdin runs the SQL on stdin as postgres, stopping at the first error.
const PsqlStdin = "psql -X -q -v ON_ERROR_STOP=1 -d postgres"

// ApplyDynamicConfig replaces Patroni's dynamic configuration in the DCS with stdin, on the
// member that leads.
func ApplyDynamicConfig(c *stacks.Cluster) string {
	return OnPrimary(c, "patronictl -c "+PatroniConfigPath+" edit-config --apply - --force >/dev/null")
}

// PatroniApply is the OnChange of a member's config.yml: it makes a running Patroni take the
// new file: a reload, or a restart when the settings it reads only at start changed
// (PatroniDCSClient). Patroni stops PostgreSQL when it stops, so a leader first hands over to
// another member; the members restart one at a time. A member without another to hand over to
// restarts as it is.
//
// Patroni acts on a reload in its next loop, up to loop_wait later, and then always reloads
// PostgreSQL: the apply waits for that, so that pg_hba and settings are in force when up returns.
func PatroniApply(c *stacks.Cluster, m stacks.Member) string {
	loadTime := LocalSQL(c.Ports.Postgres, "select pg_conf_load_time()") + " 2>/dev/null"
	return snippet("patroni-apply.sh.tmpl", map[string]string{
		"Marker": PatroniDCSClientMarker, "Member": c.MemberName(m), "LoadTime": loadTime, "Patronictl": Patronictl,
		"IsPrimary":   HTTPStatusIs(c.PatroniURL("127.0.0.1", "/primary"), 200),
		"WaitRunning": WaitFor(HTTPStatusIs(c.PatroniURL("127.0.0.1", "/health"), 200), 120, "Patroni's PostgreSQL did not run within 120s of its restart"),
		"WaitReload":  WaitFor(`[ "$(`+loadTime+`)" != "$loaded" ]`, 60, "Patroni did not reload PostgreSQL within 60s of its own reload"),
	})
}

// PatroniStart starts Patroni on a member and waits until it is ready: a replica when its
// PostgreSQL runs; the initial primary once it serves in a role of a cluster with a leader (at
// bootstrap, when it holds the leader lock, and later, whichever member leads by then).
func PatroniStart(c *stacks.Cluster, m stacks.Member, node string) string {
	ready, readiness := HTTPStatusIs(c.PatroniURL("127.0.0.1", "/health"), 200), "runs PostgreSQL"
	if m.Role == stacks.RolePrimary {
		ready = "{ " + HTTPStatusIs(c.PatroniURL("127.0.0.1", "/primary"), 200) + " || " + HTTPStatusIs(c.PatroniURL("127.0.0.1", "/replica"), 200) + "; }"
		readiness = "serves as leader or replica"
	}
	return string(execute("patroni-start.sh.tmpl", map[string]string{
		"VersionDir": fmt.Sprintf("/var/lib/postgresql/%d", c.Version), "Start": StartService("patroni"),
		"WaitReady": WaitFor(ready, 300, fmt.Sprintf("%s: Patroni member %s not ready (%s) within 300s", node, c.MemberName(m), readiness)),
	}))
}

// PatroniStop stops Patroni, and with it PostgreSQL; with RemoveDataOnDestroy it also removes
// the data directory.
func PatroniStop(c *stacks.Cluster) string {
	del := StopService("patroni")
	if c.RemoveDataOnDestroy {
		del += "\nrm -rf " + ShellQuote(DataDir(c))
	}
	return del
}

// HAProxyReload saves every server's health before a reload, so the new process starts from
// the checked states instead of assuming each server up until its checks fail (which would send
// a primary service's first connections to replicas). Service files change in parallel: a lock
// makes their reloads take turns.
var HAProxyReload = snippet("haproxy-reload.sh.tmpl", map[string]string{"State": HAProxyStateFile})

// HAProxyCheck validates the whole configuration as HAProxy will load it; its findings are
// shown only when it fails.
var HAProxyCheck = fmt.Sprintf(`mkdir -p %[1]s && out=$(haproxy -c -f /etc/haproxy/haproxy.cfg -f %[1]s 2>&1) || { echo "$out" >&2; false; }`, ShellQuote(HAProxyServicesDir))

// EtcdHealth checks the local member over TLS; /health answers without credentials once
// authentication is on (etcdctl's check does not).
func EtcdHealth(s *stacks.Spec) string {
	return fmt.Sprintf(`curl -s -m 2 --cacert %s %s | grep -q '"health":"true"'`, ShellQuote(CACertPath), ShellQuote(fmt.Sprintf("https://127.0.0.1:%d/health", s.Etcd.ClientPort)))
}

// EtcdHealthy waits, while etcd runs, until the member answers healthy again after a restart.
func EtcdHealthy(s *stacks.Spec, member string) string {
	return "if systemctl is-active -q etcd; then " + WaitFor(EtcdHealth(s), 60, "etcd member "+member+" not healthy within 60s of its restart") + "; fi"
}

// EtcdStart starts a member without waiting for the others (--no-block): etcd is ready only
// once a quorum of members runs.
func EtcdStart(s *stacks.Spec, member string) string {
	return "systemctl enable -q etcd && systemctl start --no-block etcd\n" + WaitFor(EtcdHealth(s), 120, "etcd member "+member+" did not become healthy within 120s")
}

// EtcdRestart is the OnChange of a member's settings file: it restarts a running member, which
// may be moving to TLS (etcdStartMove), and waits until it answers healthy.
func EtcdRestart(s *stacks.Spec, member string) string {
	return snippet("etcd-restart.sh.tmpl", map[string]string{"StartMove": etcdStartMove(s, member)}) + "\n  " + EtcdHealthy(s, member)
}
