set -euo pipefail
install -d '/etc/pgsvc/dns'
systemctl daemon-reload && systemctl enable -q 'dnsmasq' && systemctl start 'dnsmasq'