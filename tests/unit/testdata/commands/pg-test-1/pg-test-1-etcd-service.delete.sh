set -euo pipefail
systemctl disable --now -q 'etcd' 2>/dev/null || true