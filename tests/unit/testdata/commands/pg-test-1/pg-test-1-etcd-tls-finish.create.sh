set -euo pipefail
# pgsvc: end member pg-test-1's move to TLS, once every DCS client speaks TLS. stdin: root password.
member='pg-test-1'
move='/run/pgsvc/etcd-tls-move.env'
[ -e "$move" ] || exit 0
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
etcdctl member list >"$body" 2>&1 || fail "listing the members"
# shellcheck disable=SC2046 # the member's id and peer URL, split into $1 and $2
set -- $(awk -F', ' -v m="$member" '$3 == m {print $1, $4}' "$body")
[ $# -eq 2 ] || fail "member $member is not in the membership"
case $2 in
  https://*) ;;
  # Its peers (all with their certificates by now) dial it at the new URL from here on: it is
  # out of reach until it listens there, a restart away; the others keep the quorum.
  *) etcdctl member update "$1" --peer-urls='https://10.213.0.11:2380' >"$body" 2>&1 || fail "moving the peer URL of $member to TLS" ;;
esac
rm -f "$move"
systemctl restart etcd
if systemctl is-active -q etcd; then i=0; until curl -s -m 2 --cacert '/etc/pgsvc/tls/ca.crt' 'https://127.0.0.1:2379/health' | grep -q '"health":"true"'; do i=$((i+1)); if [ $i -ge 60 ]; then echo 'etcd member pg-test-1 not healthy within 60s of its restart' >&2; exit 1; fi; sleep 1; done; fi