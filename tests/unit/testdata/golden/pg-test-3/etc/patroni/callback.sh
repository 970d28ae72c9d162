#!/bin/sh
# Managed by pgsvc: Patroni's callback on pg-test-3; it runs as postgres after PostgreSQL stops,
# starts, restarts or changes role (arguments: action, role, cluster), and keeps the node's
# PgBouncer in step. Patroni kills a callback still running when the next one comes: each step
# below can be cut and picked up by the next call.
member='pg-test-3'
marker='/var/run/postgresql/pgsvc-pgbouncer-paused'
routing='/etc/haproxy/pgsvc-routing.env'
admin() {
  # The user pgbouncer logs in to the admin console without a password over the unix socket,
  # from PgBouncer's own OS user (postgres).
  psql -X -q -h /var/run/postgresql -p 6432 -U pgbouncer -d pgbouncer "$@"
}
# databases: the databases PgBouncer pools.
databases() {
  admin -A -t -c "SHOW DATABASES" | cut -d'|' -f1 | grep -vx pgbouncer
}

if [ "$1" = on_stop ]; then
  case $2 in
    primary|master|demoted)
      # The primary stopped, most often to be demoted. PAUSE holds new queries in PgBouncer
      # instead of failing them until PostgreSQL runs again; PgBouncer's query_wait_timeout
      # bounds the hold when it does not (Patroni demoted a primary that lost the DCS and keeps
      # PostgreSQL stopped). The marker tells the next call.
      # Each database is paused on its own: PgBouncer refuses KILL while paused as a whole.
      touch "$marker"
      for db in $(databases); do admin -c "PAUSE $db"; done
      ;;
  esac
  exit 0
fi

case $2 in
  primary|master) want=f ;;
  *) want=t ;;
esac
i=0
until [ "$(psql -X -A -t -h /var/run/postgresql -p 5432 -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null)" = "$want" ]; do
  i=$((i + 1))
  if [ $i -ge 120 ]; then
    echo "pgsvc: $member is not in role $2 after 60s; PgBouncer goes on anyway" >&2
    break
  fi
  sleep 0.5
done
# out_of_primary: the node's HAProxy has taken this member out of every backend that routes by
# /primary (/etc/haproxy/pgsvc-routing.env names them, with the spread of the HAProxies' checks).
out_of_primary() {
  echo "show stat" | socat -t 2 stdio unix-connect:'/run/haproxy/pgsvc-stat.sock' 2>/dev/null |
    awk -F, -v m="$member" -v bks="$PRIMARY_BACKENDS" '
      BEGIN { n = split(bks, b, ","); for (i = 1; i <= n; i++) want[b[i]] = 1 }
      want[$1] && $2 == m { seen++; if ($18 !~ /^(DOWN|MAINT)/) up = 1 }
      END { exit !(seen > 0 && !up) }'
}
if [ -e "$marker" ]; then
  if [ $want = t ]; then
    # Demoted: the held clients expect a primary. Hold them until HAProxy has taken this member
    # out of the primary services, then close them, so that they reconnect to the new primary.
    PRIMARY_BACKENDS='' CHECK_SPREAD=0
    # shellcheck source=/dev/null
    [ ! -r "$routing" ] || . "$routing"
    if [ -n "$PRIMARY_BACKENDS" ]; then
      i=0
      until out_of_primary; do
        i=$((i + 1))
        if [ $i -ge 600 ]; then
          echo "pgsvc: HAProxy still routes to $member as primary after 60s" >&2
          break
        fi
        sleep 0.1
      done
      # The other members' HAProxies check on their own clocks.
      sleep "$CHECK_SPREAD"
    fi
    for db in $(databases); do admin -c "KILL $db"; done
  fi
  rm -f "$marker"
  for db in $(databases); do admin -c "RESUME $db"; done
fi
# PgBouncer hands every new client the startup parameters it cached from its pool's first
# server connection, in_hot_standby among them, so after a role change it would go on
# announcing the old role. RECONNECT drops the cached parameters and closes each server
# connection as soon as its client releases it.
admin -c RECONNECT
