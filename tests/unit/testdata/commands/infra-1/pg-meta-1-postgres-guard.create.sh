set -euo pipefail
systemctl daemon-reload && systemctl enable -q 'pgsvc-patroni-guard' && systemctl start 'pgsvc-patroni-guard'