// Package sshconn opens SSH client connections, directly or through a bastion
// host, retrying failed dials within a limit.
package sshconn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Endpoint says how to reach and log in to one SSH server.
type Endpoint struct {
	Host string
	Port int
	User string

	Password           string
	PrivateKey         string
	PrivateKeyPassword string
	// AgentSocketPath is the ssh-agent socket; empty means $SSH_AUTH_SOCK if set.
	AgentSocketPath string
	// HostKey is the server's expected public key in authorized_keys format;
	// empty accepts any host key.
	HostKey string

	// DialErrorLimit is how many failed dials are tolerated before giving up;
	// -1 means no limit (the context still ends the retries).
	DialErrorLimit int
	// PerDialTimeout bounds each dial, SSH handshake included; 0 means no bound.
	PerDialTimeout time.Duration
}

// Addr is the endpoint's host:port.
func (e Endpoint) Addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

func (e Endpoint) String() string { return e.User + "@" + e.Addr() }

// Client is an open connection; closing it also closes the bastion connection.
type Client struct {
	*ssh.Client
	bastion *ssh.Client
}

// Close closes the connection and the bastion connection, if any.
func (c *Client) Close() error {
	err := c.Client.Close()
	if c.bastion != nil {
		err = errors.Join(err, c.bastion.Close())
	}
	return err
}

// Dial connects to target, through bastion when it is not nil. status is told
// about each failed attempt that will be retried.
func Dial(ctx context.Context, target Endpoint, bastion *Endpoint, status func(string)) (*Client, error) {
	config, release, err := clientConfig(target)
	if err != nil {
		return nil, err
	}
	defer release()
	if bastion == nil {
		c, err := withRetries(ctx, target, "", status, func() (*ssh.Client, error) {
			return dialDirect(ctx, target, config)
		})
		if err != nil {
			return nil, err
		}
		return &Client{Client: c}, nil
	}

	bastionConfig, releaseBastion, err := clientConfig(*bastion)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	defer releaseBastion()
	hop, err := withRetries(ctx, *bastion, "proxy ", status, func() (*ssh.Client, error) {
		return dialDirect(ctx, *bastion, bastionConfig)
	})
	if err != nil {
		return nil, err
	}
	c, err := withRetries(ctx, target, "", status, func() (*ssh.Client, error) {
		return dialVia(ctx, hop, target, config)
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("via proxy %s: %w", bastion, err), hop.Close())
	}
	return &Client{Client: c, bastion: hop}, nil
}

// retryDelay is the pause before retry n (1-based): 0.5s doubling up to 5s.
func retryDelay(n int) time.Duration {
	d := 500 * time.Millisecond
	for i := 1; i < n && d < 5*time.Second; i++ {
		d *= 2
	}
	return min(d, 5*time.Second)
}

func withRetries(
	ctx context.Context, e Endpoint, role string, status func(string), dial func() (*ssh.Client, error),
) (*ssh.Client, error) {
	for failures := 1; ; failures++ {
		c, err := dial()
		if err == nil {
			return c, nil
		}
		if e.DialErrorLimit >= 0 && failures > e.DialErrorLimit {
			return nil, fmt.Errorf("ssh: cannot connect to %shost %s (port %d) as %q after %d failed attempt(s): %w",
				role, e.Host, e.Port, e.User, failures, err)
		}
		limit := "unlimited"
		if e.DialErrorLimit >= 0 {
			limit = strconv.Itoa(e.DialErrorLimit + 1)
		}
		delay := retryDelay(failures)
		status(fmt.Sprintf("ssh: dial %s%s attempt %d/%s failed (%v); retrying in %s",
			role, e.Addr(), failures, limit, err, delay))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("ssh: connecting to %s%s: %w (last error: %v)", role, e.Addr(), ctx.Err(), err)
		case <-time.After(delay):
		}
	}
}

func dialDirect(ctx context.Context, e Endpoint, config *ssh.ClientConfig) (*ssh.Client, error) {
	dialCtx := ctx
	if e.PerDialTimeout > 0 {
		var cancel context.CancelFunc
		dialCtx, cancel = context.WithTimeout(ctx, e.PerDialTimeout)
		defer cancel()
	}
	conn, err := (&net.Dialer{}).DialContext(dialCtx, "tcp", e.Addr())
	if err != nil {
		return nil, err
	}
	return handshake(conn, e, config)
}

func dialVia(ctx context.Context, hop *ssh.Client, e Endpoint, config *ssh.ClientConfig) (*ssh.Client, error) {
	dialCtx := ctx
	if e.PerDialTimeout > 0 {
		var cancel context.CancelFunc
		dialCtx, cancel = context.WithTimeout(ctx, e.PerDialTimeout)
		defer cancel()
	}
	conn, err := hop.DialContext(dialCtx, "tcp", e.Addr())
	if err != nil {
		return nil, err
	}
	return handshake(conn, e, config)
}

// handshake runs the SSH handshake on conn, closing conn when it outlasts the
// per-dial timeout (channels through a bastion support no deadlines).
func handshake(conn net.Conn, e Endpoint, config *ssh.ClientConfig) (*ssh.Client, error) {
	var timer *time.Timer
	if e.PerDialTimeout > 0 {
		timer = time.AfterFunc(e.PerDialTimeout, func() { _ = conn.Close() })
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, e.Addr(), config)
	timedOut := timer != nil && !timer.Stop()
	if err != nil {
		_ = conn.Close()
		if timedOut {
			return nil, fmt.Errorf("ssh handshake with %s timed out after %s", e.Addr(), e.PerDialTimeout)
		}
		return nil, err
	}
	if timedOut {
		_ = c.Close()
		return nil, fmt.Errorf("ssh handshake with %s timed out after %s", e.Addr(), e.PerDialTimeout)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// clientConfig builds the SSH client configuration of e; release frees the
// agent connection once the handshakes that may use it are over.
func clientConfig(e Endpoint) (config *ssh.ClientConfig, release func(), err error) {
	hostKey, err := hostKeyCallback(e)
	if err != nil {
		return nil, nil, err
	}
	config = &ssh.ClientConfig{User: e.User, HostKeyCallback: hostKey}

	if e.PrivateKey != "" {
		var signer ssh.Signer
		if e.PrivateKeyPassword != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(e.PrivateKey), []byte(e.PrivateKeyPassword))
		} else {
			signer, err = ssh.ParsePrivateKey([]byte(e.PrivateKey))
		}
		if err != nil {
			return nil, nil, fmt.Errorf("connection to %s: privateKey cannot be used: %w", e.Addr(), err)
		}
		config.Auth = append(config.Auth, ssh.PublicKeys(signer))
	}
	if e.Password != "" {
		password := e.Password
		config.Auth = append(config.Auth,
			ssh.Password(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = password
				}
				return answers, nil
			}))
	}
	conn, err := agentConn(e.AgentSocketPath)
	if err != nil {
		return nil, nil, fmt.Errorf("connection to %s: %w", e.Addr(), err)
	}
	if conn == nil {
		return config, func() {}, nil
	}
	config.Auth = append(config.Auth, ssh.PublicKeysCallback(agent.NewClient(conn).Signers))
	return config, func() { _ = conn.Close() }, nil
}

// agentConn connects to the agent at path, or at $SSH_AUTH_SOCK when path is
// empty (nil when neither is set). An unreachable $SSH_AUTH_SOCK is skipped, an
// unreachable path is an error.
func agentConn(path string) (net.Conn, error) {
	explicit := path != ""
	if !explicit {
		path = os.Getenv("SSH_AUTH_SOCK")
	}
	if path == "" {
		return nil, nil
	}
	conn, err := net.Dial("unix", path)
	if err != nil && explicit {
		return nil, fmt.Errorf("agentSocketPath %q: %w", path, err)
	}
	if err != nil {
		return nil, nil
	}
	return conn, nil
}

func hostKeyCallback(e Endpoint) (ssh.HostKeyCallback, error) {
	if e.HostKey == "" {
		return ssh.InsecureIgnoreHostKey(), nil
	}
	want, _, _, _, err := ssh.ParseAuthorizedKey([]byte(e.HostKey))
	if err != nil {
		return nil, fmt.Errorf("connection to %s: hostKey %q is not a public key in authorized_keys format: %w",
			e.Addr(), e.HostKey, err)
	}
	return func(_ string, _ net.Addr, got ssh.PublicKey) error {
		if !bytes.Equal(got.Marshal(), want.Marshal()) {
			return fmt.Errorf("ssh: host key of %s is %s %s, expected %s %s",
				e.Addr(), got.Type(), ssh.FingerprintSHA256(got), want.Type(), ssh.FingerprintSHA256(want))
		}
		return nil
	}, nil
}
