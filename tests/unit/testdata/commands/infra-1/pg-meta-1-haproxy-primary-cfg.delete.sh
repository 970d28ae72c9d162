set -euo pipefail
f='/etc/haproxy/services/pg-meta-primary.cfg'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
if [ -f "$owner" ] && [ "$(cat "$owner")" = "$(printf '%s' "${PULUMI_COMMAND_STDOUT:-}")" ]; then
  rm -f "$f" "$owner"
  if systemctl is-active -q haproxy; then
  (
    flock 9
    state=$(mktemp '/var/lib/haproxy/server-state'.XXXXXX)
    echo "show servers state" | socat stdio unix-connect:/run/haproxy/admin.sock > "$state" && mv "$state" '/var/lib/haproxy/server-state'
    systemctl reload haproxy
  ) 9>/run/pgsvc-haproxy-reload.lock
fi
fi
