package render

import (
	"reflect"
	"slices"
	"testing"

	"pgsvc/stacks"
)

// TestDaemonPortsCoverPorts: every port of a cluster's config (stacks.Ports) is listened on by
// exactly one member daemon, and a daemon claims only ports the config has.
func TestDaemonPortsCoverPorts(t *testing.T) {
	claimed := map[string]string{}
	for _, d := range MemberDaemons {
		for _, p := range d.Ports {
			if other, dup := claimed[p]; dup {
				t.Errorf("port %s claimed by %s and %s", p, other, d.Name)
			}
			claimed[p] = d.Name
		}
	}
	ports := reflect.TypeFor[stacks.Ports]()
	for i := range ports.NumField() {
		key := ports.Field(i).Tag.Get("json")
		if _, ok := claimed[key]; !ok {
			t.Errorf("ports.%s: no member daemon listens on it", key)
		}
		delete(claimed, key)
	}
	for key, d := range claimed {
		t.Errorf("%s claims port %q, which stacks.Ports does not have", d, key)
	}
}

// TestDaemonFilesWellFormed: each daemon has a unit, its files unique names and paths, each
// rendered one way, and After naming only earlier files.
func TestDaemonFilesWellFormed(t *testing.T) {
	c := &stacks.Cluster{Name: "pg-x", Version: 15, Ports: stacks.Ports{Postgres: 5432, PgBouncer: 6432, Patroni: 8008, HAProxyStats: 9101},
		Members: []stacks.Member{{Seq: 1, IP: "10.0.0.1", Role: stacks.RolePrimary}}, VIP: stacks.VIP{Enabled: true, Address: "10.0.0.3", Prefix: 24, Interface: "eth0"}}
	spec := &stacks.Spec{Infra: []stacks.Node{{Name: "infra-1", IP: "10.0.0.10"}}, Etcd: stacks.Etcd{Members: []string{"infra-1"}, ClientPort: 2379, PeerPort: 2380}}
	for _, d := range append(slices.Clone(MemberDaemons), Etcd, Dnsmasq) {
		in := Input{Spec: spec, Cluster: c, Member: c.Members[0], Node: "infra-1"}
		if d.Unit == "" || d.Name == "" {
			t.Errorf("%+v: a daemon needs a name and a unit", d)
		}
		seen, paths := map[string]bool{}, map[string]bool{}
		for _, f := range d.Files(in) {
			ways := 0
			for _, set := range []bool{f.Plain != nil, f.Sized != nil, f.Secret != nil} {
				if set {
					ways++
				}
			}
			if ways != 1 {
				t.Errorf("%s/%s: rendered %d ways, want 1", d.Name, f.Name, ways)
			}
			for _, a := range f.After {
				if !seen[a] {
					t.Errorf("%s/%s: written after %q, which is not an earlier file", d.Name, f.Name, a)
				}
			}
			p := f.Meta(in).Path
			if seen[f.Name] || paths[p] {
				t.Errorf("%s: file %s (%s) twice", d.Name, f.Name, p)
			}
			seen[f.Name], paths[p] = true, true
		}
		if (d.CertFile == "") != (d.TLSReload == nil) {
			t.Errorf("%s: a certificate file needs a reload and the other way round", d.Name)
		}
	}
}
