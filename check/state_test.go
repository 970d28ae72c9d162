package check

import (
	"slices"
	"testing"

	"pgsvc/stacks"
)

func cluster() *stacks.Cluster {
	c := &stacks.Cluster{Name: "pg-test", DefaultServices: []string{"primary", "replica", "default", "offline", "standby"}, Members: []stacks.Member{
		{Seq: 1, Role: stacks.RolePrimary}, {Seq: 2, Role: stacks.RoleReplica}, {Seq: 3, Role: stacks.RoleReplica, OfflineQuery: true},
	}}
	return c
}

func service(c *stacks.Cluster, name string) stacks.Service {
	for _, s := range c.AllServices() {
		if s.Name == name {
			return s
		}
	}
	panic(name)
}

// up builds a state where each check path passes on the given members.
func up(m map[string][]string) State {
	st := State{Status: map[string]map[string]bool{}}
	for path, members := range m {
		st.Status[path] = map[string]bool{}
		for _, name := range members {
			st.Status[path][name] = true
		}
	}
	return st
}

func TestExpected(t *testing.T) {
	c := cluster()
	cases := []struct {
		name    string
		service string
		state   State
		want    []string
	}{
		{"primary on leader", "primary", up(map[string][]string{"/primary": {"pg-test-1"}}), []string{"pg-test-1"}},
		{"primary after failover", "primary", up(map[string][]string{"/primary": {"pg-test-2"}}), []string{"pg-test-2"}},
		{"replica on replicas", "replica", up(map[string][]string{"/replica": {"pg-test-2", "pg-test-3"}, "/read-only": {"pg-test-1", "pg-test-2", "pg-test-3"}}), []string{"pg-test-2", "pg-test-3"}},
		{"replica falls back to primary", "replica", up(map[string][]string{"/read-only": {"pg-test-1"}}), []string{"pg-test-1"}},
		{"old primary serves replicas after failover", "replica", up(map[string][]string{"/replica": {"pg-test-1", "pg-test-3"}}), []string{"pg-test-1", "pg-test-3"}},
		{"standby on sync standby", "standby", up(map[string][]string{"/sync": {"pg-test-2"}, "/primary": {"pg-test-1"}}), []string{"pg-test-2"}},
		{"standby falls back to primary", "standby", up(map[string][]string{"/primary": {"pg-test-1"}}), []string{"pg-test-1"}},
		{"offline on offline member", "offline", up(map[string][]string{"/replica": {"pg-test-2", "pg-test-3"}}), []string{"pg-test-3"}},
		{"offline falls back to replica", "offline", up(map[string][]string{"/replica": {"pg-test-2"}}), []string{"pg-test-2"}},
		{"nothing up", "primary", up(nil), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Expected(c, service(c, tc.service), tc.state); !slices.Equal(got, tc.want) {
				t.Errorf("Expected = %v, want %v", got, tc.want)
			}
		})
	}
}
