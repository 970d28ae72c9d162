// Package check connects through every host and port of a cluster and tells where each
// connection landed, and where it should have landed given the cluster's live Patroni state.
package check

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"sync"
	"time"

	"pgsvc/stacks"
)

// State is what Patroni reports right now: each member's answer to each health endpoint.
type State struct {
	// Status maps a check path (e.g. /primary) to the members answering 200 on it.
	Status map[string]map[string]bool
}

// Leader is the member that answers 200 on /primary, or "" if none does.
func (s State) Leader() string {
	for m, ok := range s.Status["/primary"] {
		if ok {
			return m
		}
	}
	return ""
}

// restTimeout bounds one REST probe, as HAProxy's check timeout does.
const restTimeout = 3 * time.Second

// RESTClient is an HTTP client for the Patroni REST API that trusts the CA in caPEM (the stack's
// caCert output).
func RESTClient(caPEM []byte) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("the CA certificate holds no PEM certificate")
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}, nil
}

// basePaths are always read: the roles and health of every member.
var basePaths = []string{"/primary", "/replica", "/read-only", "/sync", "/health"}

// ReadState asks every member's Patroni REST API about the base paths and every check path the
// cluster's services use, the way HAProxy does (an OPTIONS request; only the status counts).
// The client must trust the environment's CA when the API is served over HTTPS.
func ReadState(ctx context.Context, c *stacks.Cluster, client *http.Client) State {
	paths := map[string]bool{}
	for _, p := range basePaths {
		paths[p] = true
	}
	for _, s := range c.AllServices() {
		paths[s.Check], paths[s.BackupCheck] = true, true
	}
	st := State{Status: map[string]map[string]bool{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for path := range paths {
		st.Status[path] = map[string]bool{}
		for _, m := range c.Members {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok := probeREST(ctx, client, c.PatroniURL(m.IP, path))
				mu.Lock()
				st.Status[path][c.MemberName(m)] = ok
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	return st
}

func probeREST(ctx context.Context, client *http.Client, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, restTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Expected lists the members a service may route to now: its selected servers that pass its
// check, or when none does, its backup servers that pass the backup check.
func Expected(c *stacks.Cluster, s stacks.Service, st State) []string {
	if up := passing(c.Servers(s), st.Status[s.Check]); len(up) > 0 {
		return up
	}
	return passing(c.BackupServers(s), st.Status[s.BackupCheck])
}

func passing(servers []stacks.Server, status map[string]bool) []string {
	var out []string
	for _, sv := range servers {
		if status[sv.Name] {
			out = append(out, sv.Name)
		}
	}
	return out
}
