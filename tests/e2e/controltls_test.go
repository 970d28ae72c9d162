package e2e

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"pgsvc/check"
	"pgsvc/render"
	"pgsvc/tests/cli"
	"pgsvc/tests/lab"
)

// httpsGet is the status and body of a GET through client.
func httpsGet(client *http.Client, url string) (int, string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(body), nil
}

// TestControlPlaneTLS: Patroni's REST API and etcd's client and peer ports speak only TLS, with
// certificates of the stack's CA: a client that trusts the CA gets in, one that trusts another
// CA is refused for the certificate, plain HTTP gets nothing, and etcd's peers must show a
// certificate of the CA themselves.
func TestControlPlaneTLS(t *testing.T) {
	s := cli.DevStack(t)
	spec := s.Spec(t)
	trusting := s.HTTPClient(t)
	other, err := check.RESTClient([]byte(otherCA(t)))
	if err != nil {
		t.Fatal(err)
	}
	other.Timeout = 5 * time.Second
	plain := &http.Client{Timeout: 5 * time.Second}

	type endpoint struct{ name, hostPort, path, want string }
	var endpoints []endpoint
	for i := range spec.Clusters {
		c := &spec.Clusters[i]
		if !c.WebTLS() {
			continue
		}
		for _, m := range c.Members {
			endpoints = append(endpoints, endpoint{"Patroni " + c.MemberName(m), fmt.Sprintf("%s:%d", m.IP, c.Ports.Patroni), "/health", `"state": "running"`})
		}
	}
	for _, m := range render.EtcdMembers(spec) {
		endpoints = append(endpoints, endpoint{"etcd " + m.Name, fmt.Sprintf("%s:%d", m.IP, spec.Etcd.ClientPort), "/health", `"health":"true"`})
	}
	for _, e := range endpoints {
		t.Run(e.name, func(t *testing.T) {
			status, body, err := httpsGet(trusting, "https://"+e.hostPort+e.path)
			if err != nil || status != http.StatusOK || !strings.Contains(body, e.want) {
				t.Errorf("https with the stack's CA: %d %q %v, want 200 with %s", status, body, err, e.want)
			}
			if _, _, err := httpsGet(other, "https://"+e.hostPort+e.path); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("https trusting another CA: %v, want a certificate error", err)
			}
			if status, body, err := httpsGet(plain, "http://"+e.hostPort+e.path); err == nil && strings.Contains(body, e.want) {
				t.Errorf("plain HTTP answered %d %q", status, body)
			}
		})
	}

	// Peers: a TLS client without a certificate is turned away; the member's own certificate,
	// which its peers use, is let in.
	caPool := trusting.Transport.(*http.Transport).TLSClientConfig.RootCAs
	for _, m := range render.EtcdMembers(spec) {
		peer := net.JoinHostPort(m.IP, fmt.Sprint(spec.Etcd.PeerPort))
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", peer, &tls.Config{RootCAs: caPool})
		if err == nil {
			// TLS 1.3 reports a refused client certificate on the first read.
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(conn, "GET /version HTTP/1.1\r\nHost: %s\r\n\r\n", peer)
			_, err = conn.Read(make([]byte, 1))
			conn.Close()
		}
		if err == nil {
			t.Errorf("etcd peer %s: a client without a certificate was served", peer)
		}
		out, err := lab.SSH(m.IP, fmt.Sprintf("curl -s -m 5 --http1.1 -o /dev/null -w '%%{http_code}' --cacert %s --cert %s --key %s https://%s/version",
			render.CACertPath, render.ServerCertPath, render.EtcdKeyPath, peer))
		if err != nil || out != "200" {
			t.Errorf("etcd peer %s with the member's certificate: %q %v, want 200", peer, out, err)
		}
	}
}
