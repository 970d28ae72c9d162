set -euo pipefail
systemctl disable --now -q 'pgbouncer' 2>/dev/null || true