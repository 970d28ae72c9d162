set -euo pipefail
f='/etc/pgbouncer/userlist.txt'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
mkdir -p '/etc/pgbouncer' '/var/lib/pgsvc/owners'
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown 'postgres:postgres' "$tmp"
chmod '0600' "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
  { if systemctl is-active -q 'pgbouncer'; then systemctl reload 'pgbouncer'; fi
  } >&2
fi
token=$(cat /proc/sys/kernel/random/uuid)
echo "$token" > "$owner"
echo "$token"
