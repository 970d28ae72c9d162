// Package stacks is pgsvc's typed stack configuration: it decodes the `pgsvc:*` config keys,
// fills in Pigsty's defaults and validates everything before any resource is registered.
package stacks

import (
	"errors"
	"os"
	"regexp"
)

// Config keys read from the stack.
const (
	KeySSH   = "pgsvc:ssh"
	KeyInfra = "pgsvc:infra"
	KeyEtcd  = "pgsvc:etcd"
	KeyTLS   = "pgsvc:tls"
	// KeyCluster holds a stack's only cluster; KeyClusters a list of clusters. A stack sets one.
	KeyCluster  = "pgsvc:cluster"
	KeyClusters = "pgsvc:clusters"
)

// Spec is one validated environment: the infra nodes, the etcd DCS and DNS they share, and its
// PostgreSQL clusters.
type Spec struct {
	SSH      SSH
	Infra    []Node
	Etcd     Etcd
	TLS      TLS
	Clusters []Cluster
}

// Find is the cluster named name, or nil.
func (s *Spec) Find(name string) *Cluster {
	for i := range s.Clusters {
		if s.Clusters[i].Name == name {
			return &s.Clusters[i]
		}
	}
	return nil
}

// SSH says how pgsvc reaches every node.
type SSH struct {
	User string `json:"user"`
	Port int    `json:"port"`
	// PrivateKeyFile is read by the program; the key itself travels as a Pulumi secret.
	PrivateKeyFile string `json:"privateKeyFile"`
}

var unixUser = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

func (ssh SSH) validate(p *problems) {
	if !unixUser.MatchString(ssh.User) {
		p.add(KeySSH+".user", ssh.User, "not a valid login name")
	}
	validPort(p, KeySSH+".port", ssh.Port)
	switch st, err := os.Stat(ssh.PrivateKeyFile); {
	case ssh.PrivateKeyFile == "":
		p.add(KeySSH+".privateKeyFile", ssh.PrivateKeyFile, "an SSH private key file is required")
	case err != nil:
		p.add(KeySSH+".privateKeyFile", ssh.PrivateKeyFile, "cannot read the key: %v", errors.Unwrap(err))
	case st.IsDir():
		p.add(KeySSH+".privateKeyFile", ssh.PrivateKeyFile, "is a directory, not a key file")
	}
}
