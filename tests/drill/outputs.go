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
	"pgsvc/tests/cli"
)

// CheckOutputs holds the stack's outputs to its config: one URL per service that a seed user
// connects to, no URL for any other, each at the access host (the VIP, or the primary without
// one) and the service's port, each one connecting while some member can serve it now (a
// one-node cluster has no replica for the offline service); and the stats URL at the same host,
// asking for credentials.
func CheckOutputs(t *testing.T, s *cli.Stack) {
	t.Helper()
	c := &s.Spec(t).Cluster
	var outs struct {
		ServiceURLs map[string]string `json:"serviceUrls"`
		StatsURL    string            `json:"statsUrl"`
	}
	s.Outputs(t, &outs)
	host := c.Primary().IP
	if c.VIP.Enabled {
		host = c.VIP.Address
	}
	st := check.ReadState(context.Background(), c)
	want, servable := map[string]int{}, map[string]bool{}
	for _, svc := range c.AllServices() {
		if u := c.ServiceUser(svc.Name); u != "" && u != "postgres" {
			want[svc.Name] = svc.Port
			servable[svc.Name] = len(check.Expected(c, svc, st)) > 0
		}
	}
	for name := range outs.ServiceURLs {
		if _, ok := want[name]; !ok {
			t.Errorf("serviceUrls has %s, a service the config does not have", name)
		}
	}
	for name, port := range want {
		raw, ok := outs.ServiceURLs[name]
		if !ok {
			t.Errorf("serviceUrls has no URL for service %s", name)
			continue
		}
		cfg, err := pgx.ParseConfig(raw + "?sslmode=disable")
		if err != nil {
			t.Errorf("service %s: URL does not parse: %v", name, err)
			continue
		}
		if cfg.Host != host || int(cfg.Port) != port {
			t.Errorf("service %s: URL points at %s:%d, want %s:%d", name, cfg.Host, cfg.Port, host, port)
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
			t.Errorf("service %s URL does not connect: %v", name, err)
		}
	}
	u, err := url.Parse(outs.StatsURL)
	if wantHost := fmt.Sprintf("%s:%d", host, c.Ports.HAProxyStats); err != nil || u.Host != wantHost {
		t.Errorf("statsUrl is %q, want one at %s", outs.StatsURL, wantHost)
		return
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(outs.StatsURL)
	if err != nil {
		t.Errorf("statsUrl: %v", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("statsUrl without credentials: HTTP %d, want 401", resp.StatusCode)
	}
}
