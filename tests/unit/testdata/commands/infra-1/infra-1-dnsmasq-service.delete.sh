set -euo pipefail
systemctl disable --now -q 'dnsmasq' 2>/dev/null || true