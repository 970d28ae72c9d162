#!/bin/sh
# Managed by pgsvc: keeps the VIP 10.213.0.3 on pg-test-2 while this member's Patroni reports it
# the primary, and resets the connections made through the VIP when the node gives it up.
# It follows Patroni's own word rather than the DCS leader key (as vip-manager 1.0.2 does, which
# drops the VIP on any DCS error): in failsafe mode a primary keeps its role, and so its VIP,
# while the DCS is down.
set -eu
vip='10.213.0.3'
prefix=24
dev='host0'
url='https://127.0.0.1:8008/primary'
ca='/etc/pgsvc/tls/ca.crt'

# The node answers ARP on the interface only for the interface's own addresses, and asks from its
# own address there: the VIP, put on lo for the moment of a reset, never draws clients back here.
echo 1 >"/proc/sys/net/ipv4/conf/$dev/arp_ignore"
echo 2 >"/proc/sys/net/ipv4/conf/$dev/arp_announce"
# Packets for the VIP that arrive on the interface while the VIP is not on it are dropped: no
# client connects to the VIP here while it sits on lo for a reset (one whose ARP entry still
# names this node retries, and reaches the holder).
nft -f - <<EOF
table inet pgsvc_vip
delete table inet pgsvc_vip
table inet pgsvc_vip {
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "$dev" ip daddr $vip fib daddr . iif type != local drop
  }
}
EOF

log() {
  echo "pgsvc: $*"
}

held() {
  ip -o -4 addr show dev "$dev" | grep -qF " inet $vip/"
}

# role prints the HTTP status of Patroni's /primary: 200 on the primary, 503 elsewhere, 000
# when Patroni does not answer within 2 s.
role() {
  curl -s -o /dev/null -m 2 --cacert "$ca" -w '%{http_code}' "$url" || true
}

orphans() {
  ss -Htn src "$vip"
}

# reset_orphans resets every TCP connection whose local address is the VIP: once the address is
# gone the kernel can no longer send from it, and a client waiting on such a connection (a query
# PgBouncer holds through a switchover, a reply not yet sent) would never hear back, until its
# TCP keepalive fires, hours later. The kernel sends a reset only from a local address: the VIP
# sits on lo while ss destroys the sockets.
reset_orphans() {
  round=0
  while [ $round -lt 5 ] && ! held && [ -n "$(orphans)" ]; do
    round=$((round + 1))
    n=$(orphans | wc -l)
    ip addr add "$vip/32" dev lo 2>/dev/null || true
    ss -K -Htn src "$vip" >/dev/null || true
    ip addr del "$vip/32" dev lo 2>/dev/null || true
    log "reset $n connection(s) made through $vip"
  done
}

acquire() {
  if ! ip addr add "$vip/$prefix" dev "$dev"; then
    log "could not add $vip on $dev"
    return 0
  fi
  # Gratuitous ARP from the VIP: neighbours move their entry for it to this node at once.
  # arping exits 1 when nothing answers, as nothing does to a gratuitous ARP.
  rc=0
  arping -q -U -c 2 -i "$dev" -S "$vip" "$vip" || rc=$?
  [ $rc -le 1 ] || log "gratuitous ARP for $vip failed (arping exit $rc)"
  log "$vip added on $dev: Patroni reports this member the primary"
}

release() {
  ip addr del "$vip/$prefix" dev "$dev" 2>/dev/null || true
  reset_orphans
  log "$vip removed from $dev: $1"
}

trap 'if held; then release "pgsvc-vip stops"; fi; exit 0' TERM INT
reset_orphans
silent=0
while :; do
  status=$(role)
  case $status in
    200)
      silent=0
      held || acquire
      ;;
    503)
      silent=0
      if held; then release "Patroni reports this member not the primary"; fi
      ;;
    *)
      # Patroni does not answer: give it 3 tries before the VIP goes.
      silent=$((silent + 1))
      if [ $silent -ge 3 ] && held; then release "Patroni has not answered 3 times (last: HTTP $status)"; fi
      ;;
  esac
  sleep 1 &
  wait $!
done
