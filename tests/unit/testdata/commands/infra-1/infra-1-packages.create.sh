set -euo pipefail
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# finish what an interrupted earlier run left half-configured, then install
if ! { dpkg --configure -a && apt-get -q update && apt-get -q install -y --no-install-recommends 'arping' 'ca-certificates' 'curl' 'dnsmasq' 'etcd-client' 'etcd-server' 'haproxy' 'iproute2' 'nftables' 'patroni' 'pgbouncer' 'postgresql-15' 'python3-etcd' 'socat'; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
