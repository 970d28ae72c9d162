set -euo pipefail
systemctl disable --now -q 'patroni' 2>/dev/null || true