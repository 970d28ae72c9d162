#!/bin/sh
# Managed by pgsvc: brings pg-test-3's PostgreSQL back under Patroni when Patroni no longer
# recognises it. It looks every 5s.
# Patroni 3.0.2 takes the process named in postmaster.pid for its postmaster only when that
# process's start time and the one written in the file differ by at most 3 s, which an overloaded
# node can exceed. A Patroni that (re)starts then rejects the running PostgreSQL: it reports the
# member stopped (out of every service) and tries to start a second postmaster, again and again,
# while the first one serves on its own, outside any failover. The guard stops that postmaster
# (fast shutdown; immediate if that fails) and Patroni starts PostgreSQL again itself.
set -eu
data='/var/lib/postgresql/15/pg-test'
bin='/usr/lib/postgresql/15/bin'
window=15
pidfile=$data/postmaster.pid

check() {
  [ -r "$pidfile" ] || return 0
  pid=$(sed -n 1p "$pidfile")
  case $pid in
    '' | *[!0-9]*) return 0 ;;
  esac
  # A live postmaster of this data directory...
  [ -r "/proc/$pid/cmdline" ] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- " -D $data" || return 0
  # ...that Patroni rejected in its last loops.
  journalctl -q -u patroni --since="-${window}s" -o cat |
    grep -qF "Process $pid is not postmaster" || return 0

  echo "pgsvc: Patroni does not recognise PostgreSQL (pid $pid) in $data: stopping it so that Patroni starts it again"
  if ! runuser -u postgres -- "$bin/pg_ctl" stop -D "$data" -m fast -w -t 60; then
    runuser -u postgres -- "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 30
  fi
}

while :; do
  check || echo "pgsvc: the guard's check failed; it looks again in 5s"
  sleep 5
done
