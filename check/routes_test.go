package check

import (
	"errors"
	"strings"
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

func TestSessionAttrsExpected(t *testing.T) {
	healthy := State{Status: map[string]map[string]bool{
		"/primary": {"pg-test-1": true, "pg-test-2": false, "pg-test-3": false},
		"/health":  {"pg-test-1": true, "pg-test-2": true, "pg-test-3": true},
	}}
	alone := State{Status: map[string]map[string]bool{
		"/primary": {"pg-test-2": true},
		"/health":  {"pg-test-1": false, "pg-test-2": true, "pg-test-3": false},
	}}
	for _, tc := range []struct {
		attrs string
		st    State
		want  string
	}{
		{"primary", healthy, "pg-test-1"},
		{"read-write", healthy, "pg-test-1"},
		{"read-only", healthy, "pg-test-2,pg-test-3"},
		{"prefer-standby", healthy, "pg-test-2,pg-test-3"},
		{"prefer-standby", alone, "pg-test-2"},
		{"read-only", alone, ""},
	} {
		if got := strings.Join(SessionAttrsExpected(tc.attrs, tc.st), ","); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.attrs, got, tc.want)
		}
	}
}
