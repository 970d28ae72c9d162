set -euo pipefail
f='/etc/patroni/config.yml'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
mkdir -p '/etc/patroni' '/var/lib/pgsvc/owners'
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown 'postgres:postgres' "$tmp"
chmod '0600' "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
  { if systemctl is-active -q patroni; then
    marker='# pgsvc dcs-client:'
    member='pg-test-1'
    if [ "$(grep "$marker" "$f.pgsvc-old" 2>/dev/null)" = "$(grep "$marker" "$f")" ]; then
      loaded=$(runuser -u postgres -- psql -X -Atq -h /var/run/postgresql -p 5432 -d postgres -c 'select pg_conf_load_time()' 2>/dev/null) || loaded=
      systemctl reload patroni
      if [ -n "$loaded" ]; then
        i=0; until [ "$(runuser -u postgres -- psql -X -Atq -h /var/run/postgresql -p 5432 -d postgres -c 'select pg_conf_load_time()' 2>/dev/null)" != "$loaded" ]; do i=$((i+1)); if [ $i -ge 60 ]; then echo 'Patroni did not reload PostgreSQL within 60s of its own reload' >&2; exit 1; fi; sleep 1; done
      fi
    else
      if [ "$(curl -s -o /dev/null -m 2 --cacert '/etc/pgsvc/tls/ca.crt' -w '%{http_code}' 'https://127.0.0.1:8008/primary')" = 200 ]; then
        cd / && runuser -u postgres -- patronictl -c /etc/patroni/config.yml switchover --leader "$member" --force || echo "pgsvc: no switchover away from $member; it restarts as leader"
      fi
      systemctl restart patroni
      i=0; until [ "$(curl -s -o /dev/null -m 2 --cacert '/etc/pgsvc/tls/ca.crt' -w '%{http_code}' 'https://127.0.0.1:8008/health')" = 200 ]; do i=$((i+1)); if [ $i -ge 120 ]; then echo 'Patroni'\''s PostgreSQL did not run within 120s of its restart' >&2; exit 1; fi; sleep 1; done
    fi
  fi
  } >&2
fi
token=$(cat /proc/sys/kernel/random/uuid)
echo "$token" > "$owner"
echo "$token"
