set -euo pipefail
systemctl disable --now -q 'pgsvc-vip' 2>/dev/null || true