set -euo pipefail
systemctl daemon-reload && systemctl enable -q 'haproxy' && systemctl start 'haproxy'