set -euo pipefail
systemctl disable --now -q 'pgsvc-patroni-guard' 2>/dev/null || true