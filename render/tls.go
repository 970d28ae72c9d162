package render

import "pgsvc/stacks"

// Where each node keeps the environment's CA certificate and its own key and certificate.
const (
	TLSDir          = "/etc/pgsvc/tls"
	CACertPath      = TLSDir + "/ca.crt"
	ServerCertPath  = TLSDir + "/server.crt"
	PostgresKeyPath = TLSDir + "/postgres.key"
	HAProxyPEMPath  = TLSDir + "/haproxy.pem"
	EtcdKeyPath     = TLSDir + "/etcd.key"
)

// postgresTLS are the TLS files PostgreSQL and PgBouncer (both run as postgres) use.
var postgresTLS = map[string]string{"Cert": ServerCertPath, "Key": PostgresKeyPath, "CA": CACertPath}

// CACert is the environment's CA certificate, which every client may read.
func CACert(pem string) File {
	return File{Path: CACertPath, Mode: "0644", Owner: userRoot, Group: userRoot, Content: []byte(pem)}
}

// ServerCert is the node's certificate, signed by the CA.
func ServerCert(pem string) File {
	return File{Path: ServerCertPath, Mode: "0644", Owner: userRoot, Group: userRoot, Content: []byte(pem)}
}

// PostgresKey is the node's private key as PostgreSQL and PgBouncer (both run as postgres) read it.
func PostgresKey(pem string) File {
	return File{Path: PostgresKeyPath, Mode: "0600", Owner: userPostgres, Group: userPostgres, Content: []byte(pem), Secret: true}
}

// EtcdKey is the node's private key as etcd reads it.
func EtcdKey(pem string) File {
	return File{Path: EtcdKeyPath, Mode: "0600", Owner: userEtcd, Group: userEtcd, Content: []byte(pem), Secret: true}
}

// HAProxyPEM is the node's certificate and key in one file, as HAProxy's stats page reads them
// (as root, before it drops privileges).
func HAProxyPEM(certAndKey string) File {
	return File{Path: HAProxyPEMPath, Mode: "0600", Owner: userRoot, Group: userRoot, Content: []byte(certAndKey), Secret: true}
}

// hbaHost is the pg_hba connection type of network clients: hostssl refuses plaintext.
func hbaHost(c *stacks.Cluster) string {
	if c.TLS == stacks.TLSRequire {
		return "hostssl"
	}
	return "host"
}
