set -euo pipefail
f='/etc/pgsvc/tls/server.crt'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
mkdir -p '/etc/pgsvc/tls' '/var/lib/pgsvc/owners'
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0644' "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
  { if systemctl is-active -q patroni; then runuser -u postgres -- psql -X -Atq -h /var/run/postgresql -p 5432 -d postgres -c 'select pg_reload_conf()' >/dev/null || true; fi
if systemctl is-active -q 'patroni'; then systemctl reload 'patroni'; fi
if systemctl is-active -q 'pgbouncer'; then systemctl reload 'pgbouncer'; fi
  } >&2
fi
token=$(cat /proc/sys/kernel/random/uuid)
echo "$token" > "$owner"
echo "$token"
