set -euo pipefail
f='/etc/dnsmasq.d/pgsvc.conf'
owner='/var/lib/pgsvc/owners'/$(printf '%s' "$f" | sha256sum | cut -d' ' -f1)
mkdir -p '/etc/dnsmasq.d' '/var/lib/pgsvc/owners'
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown 'root:root' "$tmp"
chmod '0644' "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
  if ! (dnsmasq --test); then
    if [ -e "$f.pgsvc-old" ]; then mv "$f.pgsvc-old" "$f"; else rm -f "$f"; fi
    echo "pgsvc: $f was rejected by its validation; the previous file was kept" >&2
    exit 1
  fi
  { if systemctl is-active -q 'dnsmasq'; then systemctl restart 'dnsmasq'; fi
  } >&2
fi
token=$(cat /proc/sys/kernel/random/uuid)
echo "$token" > "$owner"
echo "$token"
