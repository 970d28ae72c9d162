set -euo pipefail
# pgsvc: turn etcd authentication off; users and roles stay. stdin: root password.
IFS= read -r root_pw
umask 077
netrc=$(mktemp)
trap 'rm -f "$netrc"' EXIT
printf 'machine 127.0.0.1 login root password %s\n' "$root_pw" >"$netrc"
ca='/etc/pgsvc/tls/ca.crt'
etcd_url=
for _ in 1 2 3 4 5 6 7 8 9 10; do
  if curl -s -m 3 -o /dev/null --cacert "$ca" https://127.0.0.1:2379/health; then
    etcd_url=https://127.0.0.1:2379; export CURL_CA_BUNDLE="$ca" ETCDCTL_CACERT="$ca"; break
  elif curl -s -m 3 -o /dev/null http://127.0.0.1:2379/health; then
    etcd_url=http://127.0.0.1:2379; break
  fi
  sleep 1
done
[ -n "$etcd_url" ] || etcd_url=https://127.0.0.1:2379
export ETCDCTL_API=3 ETCDCTL_ENDPOINTS="$etcd_url" ETCDCTL_DIAL_TIMEOUT=5s ETCDCTL_COMMAND_TIMEOUT=10s
if ! curl -s -m 5 -o /dev/null "$etcd_url/health"; then
  echo "etcd auth: etcd does not answer here; authentication stays as it is" >&2; exit 0
fi
if curl -s -m 5 "$etcd_url/v2/auth/enable" | grep -q '"enabled":true'; then
  curl -sS -f -m 5 --netrc-file "$netrc" -X DELETE -o /dev/null "$etcd_url/v2/auth/enable"
fi
if ! etcdctl user list >/dev/null 2>&1; then
  ETCDCTL_USER="root:$root_pw" etcdctl auth disable >/dev/null
fi
