set -euo pipefail
f='/etc/haproxy/services/pg-test-offline.cfg'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
mkdir -p '/etc/haproxy/services' '/var/lib/pgsvc/owners'
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0644' "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
  if ! (mkdir -p '/etc/haproxy/services' && out=$(haproxy -c -f /etc/haproxy/haproxy.cfg -f '/etc/haproxy/services' 2>&1) || { echo "$out" >&2; false; }); then
    if [ -e "$f.pgsvc-old" ]; then mv "$f.pgsvc-old" "$f"; else rm -f "$f"; fi
    echo "pgsvc: $f was rejected by its validation; the previous file was kept" >&2
    exit 1
  fi
  { if systemctl is-active -q haproxy; then
  (
    flock 9
    state=$(mktemp '/var/lib/haproxy/server-state'.XXXXXX)
    echo "show servers state" | socat stdio unix-connect:/run/haproxy/admin.sock > "$state" && mv "$state" '/var/lib/haproxy/server-state'
    systemctl reload haproxy
  ) 9>/run/pgsvc-haproxy-reload.lock
fi
  } >&2
fi
token=$(cat /proc/sys/kernel/random/uuid)
echo "$token" > "$owner"
echo "$token"
