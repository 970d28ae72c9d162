package render

import (
	"testing"
	"time"

	"pgsvc/stacks"
)

func TestCheckSpread(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rto     string
		options string
		want    time.Duration
	}{
		{"norm plan", "norm", "", time.Second},
		{"fast plan", "fast", "", 500 * time.Millisecond},
		{"wide plan", "wide", "", 2 * time.Second},
		{"slower service options win", "fast", "inter 3s fastinter 1500ms fall 4", 1500 * time.Millisecond},
		{"bare numbers are ms", "fast", "inter 3000 fall 2", 3 * time.Second},
		{"haproxy defaults", "fast", "weight 10", 2 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &stacks.Cluster{RTO: tc.rto, Services: []stacks.Service{{Name: "mine", Options: tc.options}}}
			if got := checkSpread(c); got != tc.want {
				t.Errorf("checkSpread() = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestHAProxyTime(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Second: "1s", 1500 * time.Millisecond: "1500ms", 500 * time.Millisecond: "500ms", 4 * time.Second: "4s"} {
		if got := haproxyTime(d); got != want {
			t.Errorf("haproxyTime(%s) = %q, want %q", d, got, want)
		}
	}
}
