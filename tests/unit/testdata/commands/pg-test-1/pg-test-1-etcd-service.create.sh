set -euo pipefail
systemctl enable -q etcd && systemctl start --no-block etcd
i=0; until curl -s -m 2 --cacert '/etc/pgsvc/tls/ca.crt' 'https://127.0.0.1:2379/health' | grep -q '"health":"true"'; do i=$((i+1)); if [ $i -ge 120 ]; then echo 'etcd member pg-test-1 did not become healthy within 120s' >&2; exit 1; fi; sleep 1; done