#!/bin/sh
# Managed by pgsvc: resets the connections made through the VIP 10.213.0.3 on pg-test-3 as
# soon as this node loses the address.
# Once vip-manager has taken the address off host0, the kernel can no longer send from
# it: a client waiting on such a connection (a query PgBouncer holds through a switchover, a reply
# not yet sent) would never hear back, until its TCP keepalive fires, hours later. A reset gives
# it an error at once, and it reconnects to the VIP's new holder.
set -eu
vip='10.213.0.3'
dev='host0'

# The node answers ARP on host0 only for addresses of host0, and asks from its own address
# there: the VIP, put on lo for the moment of a reset, never draws clients back to this node.
echo 1 > "/proc/sys/net/ipv4/conf/$dev/arp_ignore"
echo 2 > "/proc/sys/net/ipv4/conf/$dev/arp_announce"

held() {
  ip -o -4 addr show dev "$dev" | grep -qF " inet $vip/"
}

# reset_orphans resets every TCP connection whose local address is the VIP, unless the node
# holds the VIP (again). The kernel sends a reset only from a local address: the VIP sits on lo
# while ss destroys the sockets.
reset_orphans() {
  if held || [ -z "$(ss -Htn src "$vip")" ]; then
    return 0
  fi
  ip addr add "$vip/32" dev lo 2>/dev/null || true
  n=$(ss -Htn src "$vip" | wc -l)
  ss -K -Htn src "$vip" >/dev/null || true
  ip addr del "$vip/32" dev lo 2>/dev/null || true
  echo "pgsvc: $vip left $dev: reset $n connection(s) made through it"
}

# The sweep after the monitor starts covers a loss while this service was not running.
{
  ip -o -4 monitor address dev "$dev" &
  sleep 1
  echo sweep
  wait
} | while read -r event; do
  case $event in
    sweep | Deleted*" inet $vip/"*) reset_orphans ;;
  esac
done
