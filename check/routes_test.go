package check

import (
	"errors"
	"testing"
)

func TestRouteOK(t *testing.T) {
	refused := errors.New("connection refused")
	for _, tc := range []struct {
		name    string
		allowed []string
		landing Landing
		want    bool
	}{
		{"landed on an allowed member", []string{"pg-test-1"}, Landing{Member: "pg-test-1"}, true},
		{"landed elsewhere", []string{"pg-test-1"}, Landing{Member: "pg-test-2"}, false},
		{"refused while a member could serve", []string{"pg-test-1"}, Landing{Err: refused}, false},
		{"refused while no member can serve", nil, Landing{Err: refused}, true},
		{"served while no member should", nil, Landing{Member: "pg-meta-1"}, false},
	} {
		if got := (Route{Allowed: tc.allowed, Landing: tc.landing}).OK(); got != tc.want {
			t.Errorf("%s: OK() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
