package check

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"

	"pgsvc/stacks"
)

// Member is how one member's Patroni and PostgreSQL agree.
type Member struct {
	Name string
	// State is what Patroni's REST API reports (running, starting, stopped, ...), or the error
	// that kept it from answering.
	State string
	// Serves is whether PostgreSQL accepts connections on the member's postgres port.
	Serves bool
}

// UnderPatroni reports whether Patroni's word and PostgreSQL agree: a PostgreSQL that serves
// while Patroni reports it anything but running is outside every failover and every service,
// and one that Patroni reports running while it does not answer is down unseen.
func (m Member) UnderPatroni() bool {
	return (m.State == "running") == m.Serves
}

func (m Member) String() string {
	pg := "PostgreSQL does not answer"
	if m.Serves {
		pg = "PostgreSQL answers"
	}
	return fmt.Sprintf("%s: Patroni %s, %s", m.Name, m.State, pg)
}

// ReadMembers asks every member's Patroni for its state and whether its PostgreSQL answers on
// the postgres port.
func ReadMembers(ctx context.Context, c *stacks.Cluster, client *http.Client) []Member {
	out := make([]Member, len(c.Members))
	var wg sync.WaitGroup
	for i, m := range c.Members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = Member{Name: c.MemberName(m), State: patroniState(ctx, client, c.PatroniURL(m.IP, "/patroni")),
				Serves: postgresAnswers(ctx, net.JoinHostPort(m.IP, strconv.Itoa(c.Ports.Postgres)))}
		}()
	}
	wg.Wait()
	return out
}

func patroniState(ctx context.Context, client *http.Client, url string) string {
	ctx, cancel := context.WithTimeout(ctx, restTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return "unreachable: " + err.Error()
	}
	defer resp.Body.Close()
	var body struct {
		State string `json:"state"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil || body.State == "" {
		return fmt.Sprintf("unreadable (HTTP %d)", resp.StatusCode)
	}
	return body.State
}

// sslRequest is PostgreSQL's SSLRequest message: any PostgreSQL that accepts connections answers
// it with one byte, S or N, before any authentication.
var sslRequest = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}

func postgresAnswers(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, restTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	if _, err := conn.Write(sslRequest); err != nil {
		return false
	}
	b := make([]byte, 1)
	_, err = io.ReadFull(conn, b)
	return err == nil && (b[0] == 'S' || b[0] == 'N')
}
