package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
	"pgsvc/tests/drill"
	"pgsvc/tests/lab"
	"pgsvc/tests/outage"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// withTLS sets sslmode and the CA file on every route.
func withTLS(routes []check.Route, mode, rootCert string) {
	for i := range routes {
		routes[i].SSLMode, routes[i].RootCert = mode, rootCert
	}
}

// TestTLSVerifyFull runs the full access matrix of every cluster with sslmode=verify-full and
// the stack's CA: every seed host form (cluster name, VIP, instance names and addresses) and
// port, and the multi-host URLs, through libpq and pgx, land where they should.
func TestTLSVerifyFull(t *testing.T) {
	s := cli.DevStack(t)
	ca := s.CAFile(t)
	spec := s.Spec(t)
	ctx := context.Background()
	for i := range spec.Clusters {
		c := &spec.Clusters[i]
		if c.TLS == stacks.TLSOff {
			continue
		}
		var outs outputs
		s.ClusterOutputs(t, c.Name, &outs)
		routes := check.Plan(c, check.ReadState(ctx, c, s.HTTPClient(t)), check.HostForms(c, true), outs.UserPasswords)
		withTLS(routes, "verify-full", ca)
		check.Run(ctx, routes, check.Resolver(spec.Infra[0].IP))
		var report strings.Builder
		if bad := check.Report(&report, routes); bad > 0 {
			t.Errorf("%s: %d routes wrong with sslmode=verify-full:\n%s", c.Name, bad, report.String())
		}
	}
}

// TestTLSWrongCARefused: a server certificate that another CA would have to vouch for is
// refused by both clients, on PostgreSQL, PgBouncer and a service port.
func TestTLSWrongCARefused(t *testing.T) {
	spec, c, outs := deployed(t, cli.TestCluster)
	other := writeTemp(t, "other-ca.crt", otherCA(t))
	for _, port := range []int{c.Ports.Postgres, c.Ports.PgBouncer, lab.Ports.Primary} {
		for _, client := range []string{check.ClientLibpq, check.ClientPgx} {
			user := c.ServiceUser("primary")
			target := check.Target{Host: c.Members[0].IP, Port: port, User: user, Password: outs.UserPasswords[user],
				Database: c.Database(), SSLMode: "verify-full", RootCert: other}
			l := check.Probe(context.Background(), client, target, check.Resolver(spec.Infra[0].IP))
			if l.Err == nil {
				t.Errorf("%s:%d through %s: connected with a CA that did not issue the server's certificate", target.Host, port, client)
			} else if !strings.Contains(strings.ToLower(l.Err.Error()), "certificate") {
				t.Errorf("%s:%d through %s: refused, but not for the certificate: %v", target.Host, port, client, l.Err)
			}
		}
	}
}

// otherCA is a CA certificate that has nothing to do with the stack.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pgsvc CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestTLSRequire turns tls to require on pg-test: plaintext is refused on PostgreSQL, PgBouncer
// and the services, while verify-full keeps working.
func TestTLSRequire(t *testing.T) {
	c := drill.Setup(t)
	ca := c.Stack.CAFile(t)
	c.DeployWith(t, func(cl map[string]any) { cl["tls"] = stacks.TLSRequire })
	ip := c.IP(c.Leader())
	for _, port := range []int{c.C.Ports.Postgres, c.C.Ports.PgBouncer, lab.Ports.Primary, lab.Ports.Default} {
		for _, client := range []string{check.ClientLibpq, check.ClientPgx} {
			plain := c.Target(ip, port)
			if l := check.Probe(context.Background(), client, plain, nil); l.Err == nil {
				t.Errorf("%s:%d through %s: a plaintext connection was accepted under tls: require", ip, port, client)
			}
			secure := plain
			secure.SSLMode, secure.RootCert = "verify-full", ca
			if l := check.Probe(context.Background(), client, secure, nil); l.Err != nil {
				t.Errorf("%s:%d through %s: verify-full refused under tls: require: %v", ip, port, client, l.Err)
			}
		}
	}
}

// servedSerial is the serial number of the certificate the server at host:port presents.
func servedSerial(t *testing.T, target check.Target) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := outage.Connect(ctx, target)
	if err != nil {
		t.Fatalf("%s:%d: %v", target.Host, target.Port, err)
	}
	defer conn.Close(ctx)
	tc, ok := conn.PgConn().Conn().(*tls.Conn)
	if !ok {
		t.Fatalf("%s:%d: the connection is not TLS", target.Host, target.Port)
	}
	return tc.ConnectionState().PeerCertificates[0].SerialNumber.String()
}

// TestTLSRotation changes pgsvc:tls.rotation while a client writes every 50 ms through the VIP
// with verify-full: every node gets a new certificate, PostgreSQL, PgBouncer, Patroni's REST API
// and etcd serve it, and the client sees no error.
func TestTLSRotation(t *testing.T) {
	c := drill.Setup(t)
	ca := c.Stack.CAFile(t)
	t.Cleanup(func() { c.Stack.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview") })
	leader := c.IP(c.Leader())
	secure := func(host string, port int) check.Target {
		target := c.Target(host, port)
		target.SSLMode, target.RootCert = "verify-full", ca
		return target
	}
	ports := []int{c.C.Ports.Postgres, c.C.Ports.PgBouncer}
	before := map[int]string{}
	for _, p := range ports {
		before[p] = servedSerial(t, secure(leader, p))
	}
	pool := c.REST.Transport.(*http.Transport).TLSClientConfig.RootCAs
	https := []string{net.JoinHostPort(leader, fmt.Sprint(c.C.Ports.Patroni)), net.JoinHostPort(leader, fmt.Sprint(c.Spec.Etcd.ClientPort))}
	httpsBefore := map[string]string{}
	for _, addr := range https {
		httpsBefore[addr] = tlsSerial(t, addr, pool)
	}
	rotated := c.Stack.WithConfig(t, func(cfg map[string]any) { cfg[stacks.KeyTLS] = map[string]any{"rotation": "e2e"} })
	res := drill.WriteThrough(t, secure(c.C.VIP.Address, lab.Ports.Primary), time.Second, time.Second, func() {
		rotated.MustRun(t, 10*time.Minute, "up", "--yes", "--skip-preview")
	})
	t.Logf("rotation: %d writes acknowledged, %d failed, longest gap %.2fs", len(res.Acked), res.Failed, res.MaxGap.Seconds())
	if res.Failed > 0 {
		t.Errorf("%d writes failed during the rotation:\n%s", res.Failed, strings.Join(res.Failures, "\n"))
	}
	for _, p := range ports {
		if after := servedSerial(t, secure(leader, p)); after == before[p] {
			t.Errorf("%s:%d still serves certificate %s after the rotation", leader, p, after)
		}
	}
	for _, addr := range https {
		if after := tlsSerial(t, addr, pool); after == httpsBefore[addr] {
			t.Errorf("%s still serves certificate %s after the rotation", addr, after)
		}
	}
}

// tlsSerial is the serial number of the certificate a TLS server at addr presents, verified
// against pool.
func tlsSerial(t *testing.T, addr string, pool *x509.CertPool) string {
	t.Helper()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber.String()
}
