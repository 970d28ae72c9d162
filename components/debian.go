package components

// Debian packages per part of the cluster.
var (
	basePackages    = []string{"curl", "ca-certificates"}
	etcdPackages    = []string{"etcd-server", "etcd-client"}
	memberPackages  = []string{"postgresql-15", "patroni", "python3-etcd", "pgbouncer", "haproxy", "socat", "arping", "iproute2", "nftables"}
	dnsmasqPackages = []string{"dnsmasq"}
)
