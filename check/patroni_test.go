package check

import "testing"

func TestUnderPatroni(t *testing.T) {
	for _, tc := range []struct {
		state  string
		serves bool
		want   bool
	}{
		{"running", true, true},
		{"stopped", false, true},
		{"unreachable: connection refused", false, true},
		{"stopped", true, false},
		{"start failed", true, false},
		{"unreachable: connection refused", true, false},
		{"running", false, false},
	} {
		if got := (Member{State: tc.state, Serves: tc.serves}).UnderPatroni(); got != tc.want {
			t.Errorf("state %q, serves %v: UnderPatroni() = %v, want %v", tc.state, tc.serves, got, tc.want)
		}
	}
}
