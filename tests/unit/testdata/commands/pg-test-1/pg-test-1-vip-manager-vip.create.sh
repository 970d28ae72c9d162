set -euo pipefail
systemctl disable --now -q 'vip-manager' 2>/dev/null || true
systemctl daemon-reload && systemctl enable -q 'pgsvc-vip' && systemctl start 'pgsvc-vip'