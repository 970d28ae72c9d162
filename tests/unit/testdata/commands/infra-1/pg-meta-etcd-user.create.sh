set -euo pipefail
# pgsvc: etcd user pg-meta, whose role reaches only /pg/pg-meta. stdin: root password, then pg-meta's.
# Made before the cluster's DCS clients start, so they never wait for their user.
user='pg-meta'
prefix='/pg/pg-meta'
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
case $(v2 GET roles/'pg-meta') in
  200) ;;
  404) ok "$(v2 PUT roles/'pg-meta' "$(printf '{"role":"%s","permissions":{"kv":{"read":["%s","%s/*"],"write":["%s","%s/*"]}}}' "$user" "$prefix" "$prefix" "$prefix" "$prefix")")" ||
    fail "creating role $user" ;;
  401) fail "authentication is on with another root password (see README, Security)" ;;
  *) fail "reading role $user" ;;
esac
case $(v2 GET users/'pg-meta') in
  200) ok "$(v2 PUT users/'pg-meta' "$(printf '{"user":"%s","password":"%s"}' "$user" "$user_pw")")" || fail "setting user $user's password" ;;
  404) ok "$(v2 PUT users/'pg-meta' "$(printf '{"user":"%s","password":"%s","roles":["%s"]}' "$user" "$user_pw" "$user")")" || fail "creating user $user" ;;
  *) fail "reading user $user" ;;
esac
