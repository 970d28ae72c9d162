set -euo pipefail
systemctl daemon-reload && systemctl enable -q 'pgbouncer' && systemctl start 'pgbouncer'