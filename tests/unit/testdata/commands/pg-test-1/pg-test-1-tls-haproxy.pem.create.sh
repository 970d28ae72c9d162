set -euo pipefail
f='/etc/pgsvc/tls/haproxy.pem'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
mkdir -p '/etc/pgsvc/tls' '/var/lib/pgsvc/owners'
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0600' "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
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
