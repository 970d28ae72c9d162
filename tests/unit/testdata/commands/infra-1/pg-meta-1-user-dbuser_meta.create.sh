set -euo pipefail
if [ "$(curl -s -o /dev/null -m 2 --cacert '/etc/pgsvc/tls/ca.crt' -w '%{http_code}' 'https://127.0.0.1:8008/primary')" = 200 ]; then
  cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres
fi