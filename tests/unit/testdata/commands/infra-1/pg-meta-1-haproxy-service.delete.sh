set -euo pipefail
systemctl disable --now -q 'haproxy' 2>/dev/null || true