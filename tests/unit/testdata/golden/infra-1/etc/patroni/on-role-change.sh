#!/bin/sh
# Managed by pgsvc: Patroni runs this as postgres after every role change of pg-meta-1
# (arguments: action, new role, cluster).
# PgBouncer hands every new client the startup parameters it cached from its pool's first
# server connection, in_hot_standby among them, so after a role change it would go on
# announcing the old role. Once PostgreSQL runs in the new role, RECONNECT drops the cached
# parameters and closes each server connection as soon as its client releases it.
case $2 in
  primary|master) want=f ;;
  *) want=t ;;
esac
i=0
until [ "$(psql -X -A -t -h /var/run/postgresql -p 5432 -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null)" = "$want" ]; do
  i=$((i + 1))
  if [ $i -ge 120 ]; then
    echo "pgsvc: pg-meta-1 is not in role $2 after 60s; PgBouncer reconnects anyway" >&2
    break
  fi
  sleep 0.5
done
# The user pgbouncer logs in to the admin console without a password over the unix socket,
# from PgBouncer's own OS user (postgres).
exec psql -X -q -h /var/run/postgresql -p 6432 -U pgbouncer -d pgbouncer -c RECONNECT
