package remote

import (
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"

	"pgsvc/tools/command/internal/sshconn"
)

// Defaults of pulumi-command v1.2.1 for unset connection fields.
const (
	defaultUser           = "root"
	defaultPort           = 22
	defaultDialErrorLimit = 10
	defaultPerDialTimeout = 15 // seconds
)

// Endpoint holds the fields shared by a connection and its bastion.
type Endpoint struct {
	Host               string   `pulumi:"host"`
	Port               *float64 `pulumi:"port,optional"`
	User               *string  `pulumi:"user,optional"`
	Password           *string  `pulumi:"password,optional"`
	PrivateKey         *string  `pulumi:"privateKey,optional"`
	PrivateKeyPassword *string  `pulumi:"privateKeyPassword,optional"`
	AgentSocketPath    *string  `pulumi:"agentSocketPath,optional"`
	HostKey            *string  `pulumi:"hostKey,optional"`
	DialErrorLimit     *int     `pulumi:"dialErrorLimit,optional"`
	PerDialTimeout     *int     `pulumi:"perDialTimeout,optional"`
}

// Annotate describes the fields in the schema.
func (e *Endpoint) Annotate(a infer.Annotator) {
	a.Describe(&e.Host, "The address of the resource to connect to.")
	a.Describe(&e.Port, "The port to connect to. Defaults to 22.")
	a.SetDefault(&e.Port, defaultPort)
	a.Describe(&e.User, "The user that we should use for the connection.")
	a.SetDefault(&e.User, defaultUser)
	a.Describe(&e.Password, "The password we should use for the connection.")
	a.Describe(&e.PrivateKey,
		"The contents of an SSH key to use for the connection. This takes preference over the password if provided.")
	a.Describe(&e.PrivateKeyPassword, "The password to use in case the private key is encrypted.")
	a.Describe(&e.AgentSocketPath, "SSH Agent socket path. Default to environment variable SSH_AUTH_SOCK if present.")
	a.Describe(&e.HostKey, "The expected host key to verify the server's identity, in authorized_keys format. "+
		"If not provided, the host key will be ignored.")
	a.Describe(&e.DialErrorLimit,
		"Max allowed errors on trying to dial the remote host. -1 set count to unlimited. Default value is 10.")
	a.SetDefault(&e.DialErrorLimit, defaultDialErrorLimit)
	a.Describe(&e.PerDialTimeout,
		"Max number of seconds for each dial attempt. 0 implies no maximum. Default value is 15 seconds.")
	a.SetDefault(&e.PerDialTimeout, defaultPerDialTimeout)
}

// ProxyConnection is the bastion host a connection goes through.
type ProxyConnection struct {
	Endpoint
}

// Annotate describes the type in the schema.
func (p *ProxyConnection) Annotate(a infer.Annotator) {
	a.Describe(&p, "Instructions for how to connect to a remote endpoint via a bastion host.")
}

// Connection says how to reach a remote host over SSH.
type Connection struct {
	Endpoint
	Proxy *ProxyConnection `pulumi:"proxy,optional"`
}

// Annotate describes the type in the schema.
func (c *Connection) Annotate(a infer.Annotator) {
	a.Describe(&c, "Instructions for how to connect to a remote endpoint.")
	a.Describe(&c.Proxy, "The connection settings for the bastion/proxy host.")
}

// endpoints converts the connection for sshconn.Dial.
func (c Connection) endpoints() (sshconn.Endpoint, *sshconn.Endpoint) {
	target := c.Endpoint.toSSH()
	if c.Proxy == nil {
		return target, nil
	}
	bastion := c.Proxy.Endpoint.toSSH()
	return target, &bastion
}

func (e Endpoint) toSSH() sshconn.Endpoint {
	return sshconn.Endpoint{
		Host:               e.Host,
		Port:               int(valueOr(e.Port, defaultPort)),
		User:               valueOr(e.User, defaultUser),
		Password:           valueOr(e.Password, ""),
		PrivateKey:         valueOr(e.PrivateKey, ""),
		PrivateKeyPassword: valueOr(e.PrivateKeyPassword, ""),
		AgentSocketPath:    valueOr(e.AgentSocketPath, ""),
		HostKey:            valueOr(e.HostKey, ""),
		DialErrorLimit:     valueOr(e.DialErrorLimit, defaultDialErrorLimit),
		PerDialTimeout:     time.Duration(valueOr(e.PerDialTimeout, defaultPerDialTimeout)) * time.Second,
	}
}

func valueOr[T any](p *T, fallback T) T {
	if p == nil {
		return fallback
	}
	return *p
}
