set -euo pipefail
f='/etc/default/etcd'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
mkdir -p '/etc/default' '/var/lib/pgsvc/owners'
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0644' "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
  { if systemctl is-active -q etcd; then
    if grep -q '^ETCD_LISTEN_PEER_URLS="http://' "$f.pgsvc-old" 2>/dev/null; then
      mkdir -p '/run/pgsvc' && cat > '/run/pgsvc/etcd-tls-move.env' <<'PGSVC_EOF'
# Managed by pgsvc: member infra-1 moves to TLS. Until every DCS client speaks TLS, it also
# serves plain HTTP clients, and its peers still reach it at its plain peer URL.
ETCD_LISTEN_CLIENT_URLS="https://10.213.0.10:2379,https://127.0.0.1:2379,http://10.213.0.10:2379,http://127.0.0.1:2379"
ETCD_LISTEN_PEER_URLS="http://10.213.0.10:2380"
# Clients that discover the members (Patroni before it reads its TLS settings) find plain URLs.
ETCD_ADVERTISE_CLIENT_URLS="http://10.213.0.10:2379"
PGSVC_EOF
    fi
    systemctl restart etcd
  fi
  if systemctl is-active -q etcd; then i=0; until curl -s -m 2 --cacert '/etc/pgsvc/tls/ca.crt' 'https://127.0.0.1:2379/health' | grep -q '"health":"true"'; do i=$((i+1)); if [ $i -ge 60 ]; then echo 'etcd member infra-1 not healthy within 60s of its restart' >&2; exit 1; fi; sleep 1; done; fi
  } >&2
fi
token=$(cat /proc/sys/kernel/random/uuid)
echo "$token" > "$owner"
echo "$token"
