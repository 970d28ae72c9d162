package drill

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"pgsvc/check"
	"pgsvc/stacks"
	"pgsvc/tests/cli"
)

// CheckOutputs holds the stack's outputs to its config, for every cluster and no other: one URL
// per service that a seed user connects to, no URL for any other, each at the access host (the
// VIP, or the primary without one) and the service's port, each one connecting while some
// member can serve it now (a one-node cluster has no replica for the offline service); and the
// stats URL at the same host, asking for credentials.
func CheckOutputs(t *testing.T, s *cli.Stack) {
	t.Helper()
	spec := s.Spec(t)
	var all struct {
		Clusters map[string]any `json:"clusters"`
	}
	s.Outputs(t, &all)
	for name := range all.Clusters {
		if spec.Find(name) == nil {
			t.Errorf("outputs have cluster %s, which the config does not", name)
		}
	}
	for i := range spec.Clusters {
		checkClusterOutputs(t, s, &spec.Clusters[i])
	}
}

func checkClusterOutputs(t *testing.T, s *cli.Stack, c *stacks.Cluster) {
	t.Helper()
	var outs struct {
		ServiceURLs map[string]string `json:"serviceUrls"`
		StatsURL    string            `json:"statsUrl"`
	}
	s.ClusterOutputs(t, c.Name, &outs)
	host := c.Primary().IP
	if c.VIP.Enabled {
		host = c.VIP.Address
	}
	st := check.ReadState(context.Background(), c, s.HTTPClient(t))
	want, servable := map[string]int{}, map[string]bool{}
	for _, svc := range c.AllServices() {
		if u := c.ServiceUser(svc.Name); u != "" && u != "postgres" {
			want[svc.Name] = svc.Port
			servable[svc.Name] = len(check.Expected(c, svc, st)) > 0
		}
	}
	for name := range outs.ServiceURLs {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: serviceUrls has %s, a service the config does not have", c.Name, name)
		}
	}
	for name, port := range want {
		raw, ok := outs.ServiceURLs[name]
		if !ok {
			t.Errorf("%s: serviceUrls has no URL for service %s", c.Name, name)
			continue
		}
		cfg, err := pgx.ParseConfig(raw + "?sslmode=disable")
		if err != nil {
			t.Errorf("%s service %s: URL does not parse: %v", c.Name, name, err)
			continue
		}
		if cfg.Host != host || int(cfg.Port) != port {
			t.Errorf("%s service %s: URL points at %s:%d, want %s:%d", c.Name, name, cfg.Host, cfg.Port, host, port)
			continue
		}
		if !servable[name] {
			continue
		}
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(ctx)
		}
		cancel()
		if err != nil {
			t.Errorf("%s service %s URL does not connect: %v", c.Name, name, err)
		}
	}
	u, err := url.Parse(outs.StatsURL)
	if wantHost := fmt.Sprintf("%s:%d", host, c.Ports.HAProxyStats); err != nil || u.Host != wantHost {
		t.Errorf("%s: statsUrl is %q, want one at %s", c.Name, outs.StatsURL, wantHost)
		return
	}
	resp, err := s.HTTPClient(t).Get(outs.StatsURL)
	if err != nil {
		t.Errorf("%s: statsUrl: %v", c.Name, err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: statsUrl without credentials: HTTP %d, want 401", c.Name, resp.StatusCode)
	}
}
