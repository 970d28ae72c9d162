set -euo pipefail
install -d -o postgres -g postgres -m 0700 '/var/lib/postgresql/15'
systemctl daemon-reload && systemctl enable -q 'patroni' && systemctl start 'patroni'
i=0; until { [ "$(curl -s -o /dev/null -m 2 --cacert '/etc/pgsvc/tls/ca.crt' -w '%{http_code}' 'https://127.0.0.1:8008/primary')" = 200 ] || [ "$(curl -s -o /dev/null -m 2 --cacert '/etc/pgsvc/tls/ca.crt' -w '%{http_code}' 'https://127.0.0.1:8008/replica')" = 200 ]; }; do i=$((i+1)); if [ $i -ge 300 ]; then echo 'infra-1: Patroni member pg-meta-1 not ready (serves as leader or replica) within 300s' >&2; exit 1; fi; sleep 1; done
