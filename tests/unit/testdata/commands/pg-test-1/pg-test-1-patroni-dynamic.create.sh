set -euo pipefail
if [ "$(curl -s -o /dev/null -m 2 --cacert '/etc/pgsvc/tls/ca.crt' -w '%{http_code}' 'https://127.0.0.1:8008/primary')" = 200 ]; then
  cd / && runuser -u postgres -- patronictl -c /etc/patroni/config.yml edit-config --apply - --force >/dev/null
fi