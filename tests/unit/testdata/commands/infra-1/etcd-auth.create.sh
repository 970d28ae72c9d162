set -euo pipefail
# pgsvc: turn etcd authentication on, once root and every cluster's user exist. stdin: root password.
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
IFS= read -r root_pw
# user_pw and v3_off are for the scripts that include this prelude; not every one reads them.
# shellcheck disable=SC2034
IFS= read -r user_pw || true
umask 077
body=$(mktemp)
netrc=$(mktemp)
trap 'rm -f "$body" "$netrc"' EXIT
fail() { echo "etcd auth: $1: $(cat "$body")" >&2; exit 1; }
printf 'machine 127.0.0.1 login root password %s\n' "$root_pw" >"$netrc"
# created answers 201 or 200 depending on the object; both mean done
ok() { case $1 in 200|201) return 0 ;; *) return 1 ;; esac; }
# etcdapi METHOD PATH [JSON]: calls etcd's HTTP API at PATH as root and prints the HTTP status.
etcdapi() {
  printf '%s' "${3:-}" | curl -sS -m 5 --netrc-file "$netrc" -o "$body" -w '%{http_code}' -X "$1" \
    -H 'Content-Type: application/json' --data-binary @- "$etcd_url/$2"
}
# v2 METHOD PATH [JSON]: the same, for PATH under the v2 auth API.
v2() { etcdapi "$1" "v2/auth/$2" "${3:-}"; }
# v3 calls take root's credentials only while v3 authentication is on (etcd refuses them before).
# shellcheck disable=SC2034
if etcdctl user list >/dev/null 2>&1; then v3_off=1; else v3_off=''; export ETCDCTL_USER="root:$root_pw"; fi
[ "$(v2 GET enable)" = 200 ] || fail "reading the auth state"
if ! grep -q '"enabled":true' "$body"; then
  ok "$(v2 PUT enable)" || fail "turning authentication on"
fi
# Turning authentication on gives the guest role (anonymous clients) every key: take them back.
[ "$(v2 GET roles/guest)" = 200 ] || fail "reading role guest"
if grep -q '"/\*"' "$body"; then
  ok "$(v2 PUT roles/guest '{"role":"guest","revoke":{"kv":{"read":["/*"],"write":["/*"]}}}')" || fail "closing anonymous access"
fi
[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$etcd_url/v2/keys"'/pg')" = 401 ] || fail "anonymous v2 clients still get in"
if [ -n "$v3_off" ]; then
  etcdctl auth enable >"$body" 2>&1 || fail "turning v3 authentication on"
fi
if ETCDCTL_USER='' etcdctl get --prefix '/pg' >/dev/null 2>&1; then fail "anonymous v3 clients still get in"; fi
