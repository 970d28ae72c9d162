package components

import (
	"fmt"
	"slices"
	"strings"

	"pgsvc/render"
)

// Everything that knows it runs on Debian 12 lives here: package names and service control.

// Debian packages per part of the cluster.
var (
	basePackages    = []string{"curl", "ca-certificates"}
	etcdPackages    = []string{"etcd-server", "etcd-client"}
	memberPackages  = []string{"postgresql-15", "patroni", "python3-etcd", "pgbouncer", "haproxy", "socat", "arping", "iproute2", "nftables"}
	dnsmasqPackages = []string{"dnsmasq"}
)

// preflightScript fails clearly on a node pgsvc cannot manage. It runs as the SSH login.
func preflightScript(node, ip string) string {
	return fmt.Sprintf(`node=%s
# shellcheck source=/dev/null
. /etc/os-release
if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
  echo "$node: pgsvc supports Debian 12 only; this node runs ${PRETTY_NAME:-an unknown system}" >&2; exit 1
fi
if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
  echo "$node: pgsvc configures nodes as root: log in as root or as a user with passwordless sudo (pgsvc:ssh.user); user $(id -un) has no sudo without a password here" >&2; exit 1
fi
`, render.ShellQuote(node+" ("+ip+")"))
}

// InstallScript installs packages without letting their maintainer scripts start any daemon:
// pgsvc starts each daemon itself once its configuration is written.
func InstallScript(packages []string) string {
	pkgs := slices.Clone(packages)
	slices.Sort(pkgs)
	return fmt.Sprintf(`trap 'rm -f /usr/sbin/policy-rc.d' EXIT
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# finish what an interrupted earlier run left half-configured, then install
if ! { dpkg --configure -a && apt-get -q update && apt-get -q install -y --no-install-recommends %s; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
`, strings.Join(pkgs, " "))
}

// factsScript prints the node facts that rendering needs: the open-files limit daemons get.
const factsScript = `awk '/^Max open files/ {print $5}' /proc/1/limits`

// startService enables a unit and starts it, or reloads it when it already runs.
func startService(unit string) string {
	return fmt.Sprintf("systemctl daemon-reload && systemctl enable -q %[1]s && if systemctl is-active -q %[1]s; then systemctl reload-or-restart %[1]s; else systemctl start %[1]s; fi", unit)
}

// stopService disables and stops a unit; a missing unit is not an error.
func stopService(unit string) string {
	return fmt.Sprintf("systemctl disable --now -q %s 2>/dev/null || true", unit)
}

// reloadIfActive reloads a running unit after its configuration changed.
func reloadIfActive(unit string) string {
	return fmt.Sprintf("if systemctl is-active -q %[1]s; then systemctl reload %[1]s; fi", unit)
}

// localSQL runs one query as postgres over the local socket and prints its result unaligned.
func localSQL(port int, query string) string {
	return fmt.Sprintf("runuser -u postgres -- psql -X -Atq -h /var/run/postgresql -p %d -d postgres -c %s", port, render.ShellQuote(query))
}

// reloadPostgres makes a running PostgreSQL reread its configuration and TLS files.
func reloadPostgres(port int) string {
	return fmt.Sprintf("if systemctl is-active -q patroni; then %s >/dev/null || true; fi", localSQL(port, "select pg_reload_conf()"))
}

// restartIfActive restarts a running unit whose daemon cannot reload.
func restartIfActive(unit string) string {
	return fmt.Sprintf("if systemctl is-active -q %[1]s; then systemctl restart %[1]s; fi", unit)
}

const daemonReload = "systemctl daemon-reload"

// waitFor retries a check once a second, failing with message after timeout seconds.
func waitFor(check string, timeout int, message string) string {
	return fmt.Sprintf(`i=0; until %s; do i=$((i+1)); if [ $i -ge %d ]; then echo %s >&2; exit 1; fi; sleep 1; done`,
		check, timeout, render.ShellQuote(message))
}

// httpStatusIs checks that a local URL answers with the given status; an https URL's certificate
// must be the environment CA's.
func httpStatusIs(url string, status int) string {
	ca := ""
	if strings.HasPrefix(url, "https:") {
		ca = " --cacert " + render.CACertPath
	}
	return fmt.Sprintf(`[ "$(curl -s -o /dev/null -m 2%s -w '%%{http_code}' %s)" = %d ]`, ca, render.ShellQuote(url), status)
}
