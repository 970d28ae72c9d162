set -euo pipefail
node='infra-1 (10.213.0.10)'
# shellcheck source=/dev/null
. /etc/os-release
if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
  echo "$node: pgsvc supports Debian 12 only; this node runs ${PRETTY_NAME:-an unknown system}" >&2; exit 1
fi
if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
  echo "$node: pgsvc configures nodes as root: log in as root or as a user with passwordless sudo (pgsvc:ssh.user); user $(id -un) has no sudo without a password here" >&2; exit 1
fi
