package render

import (
	"slices"

	"pgsvc/stacks"
)

// Input is what a daemon's files are rendered from: the environment, and for a member's daemons
// the cluster and the member; for an environment daemon, the node it runs on.
type Input struct {
	Spec    *stacks.Spec
	Cluster *stacks.Cluster
	Member  stacks.Member
	Node    string
}

// DaemonFile is one file a daemon reads, rendered from exactly what it needs (one of Plain,
// Sized and Secret), and what a change of it does.
type DaemonFile struct {
	// Name tells the file among its daemon's files; resources are named after it.
	Name   string
	Plain  func(Input) File
	Sized  func(in Input, nofile int) File
	Secret func(Input, Secrets) File
	Ops    FileOps
	// After names the daemon's files this one is written after.
	After []string
	// Started files are written once the daemon runs.
	Started bool
}

// Daemon is one daemon pgsvc runs on a node: what it needs installed, the files it reads and
// what their changes do, the unit that runs it, the cluster ports it listens on, and how it
// takes a new certificate. The node wiring, the package lists, the TLS reloads and the tests
// read it from here.
type Daemon struct {
	Name string
	Unit string
	// Packages are the Debian packages it needs.
	Packages []string
	// Files are its files on the node described by an Input.
	Files func(Input) []DaemonFile
	// Ports are the keys of stacks.Ports it listens on.
	Ports []string
	// CertFile is the certificate file it serves (ServerCertPath or its own), TLSReload what
	// makes it take a new one; "" when it needs nothing.
	CertFile  string
	TLSReload func(*stacks.Cluster) string
	// Runs says whether a member of the cluster runs it; nil: every member.
	Runs func(*stacks.Cluster) bool
	// Start starts it and Stop stops it; nil: StartService and StopService of its unit.
	Start, Stop func(Input) string
}

// StartScript starts the daemon on the node described by in.
func (d Daemon) StartScript(in Input) string {
	if d.Start != nil {
		return d.Start(in)
	}
	return StartService(d.Unit)
}

// StopScript stops the daemon on the node described by in.
func (d Daemon) StopScript(in Input) string {
	if d.Stop != nil {
		return d.Stop(in)
	}
	return StopService(d.Unit)
}

// RunsOn reports whether a member of c runs the daemon.
func (d Daemon) RunsOn(c *stacks.Cluster) bool { return d.Runs == nil || d.Runs(c) }

// Paths are the paths of the daemon's files for in.
func (d Daemon) Paths(in Input) []string {
	var paths []string
	for _, f := range d.Files(in) {
		paths = append(paths, f.Meta(in).Path)
	}
	return paths
}

// Meta is the file's path, owner and mode, which never depend on secrets or node facts.
func (f DaemonFile) Meta(in Input) File {
	switch {
	case f.Plain != nil:
		return f.Plain(in)
	case f.Sized != nil:
		return f.Sized(in, 0)
	default:
		return f.Secret(in, Secrets{})
	}
}

// BasePackages are on every node.
var BasePackages = []string{"curl", "ca-certificates"}

// The daemons of a cluster member.
var (
	Patroni = Daemon{
		Name: "patroni", Unit: "patroni", Packages: []string{"postgresql-15", "patroni", "python3-etcd"},
		Ports: []string{"postgres", "patroni"}, CertFile: ServerCertPath,
		Start: func(in Input) string { return PatroniStart(in.Cluster, in.Member, in.Node) },
		Stop:  func(in Input) string { return PatroniStop(in.Cluster) },
		TLSReload: func(c *stacks.Cluster) string {
			s := ReloadPostgres(c.Ports.Postgres)
			if c.WebTLS() {
				// Patroni serves a new certificate once a reload finds it on disk.
				s += "\n" + ReloadIfActive("patroni")
			}
			return s
		},
		Files: func(in Input) []DaemonFile {
			return []DaemonFile{
				{Name: "callback", Plain: func(in Input) File { return PatroniCallback(in.Cluster, in.Member) }},
				{Name: "patroni-yml", After: []string{"callback"}, Ops: FileOps{OnChange: PatroniApply(in.Cluster, in.Member)},
					Secret: func(in Input, sec Secrets) File { return PatroniConfig(in.Spec, in.Cluster, in.Member, sec) }},
			}
		},
	}
	PatroniGuardDaemon = Daemon{
		Name: "guard", Unit: PatroniGuardUnit,
		Files: func(in Input) []DaemonFile {
			return scriptUnitFiles(PatroniGuardUnit,
				func(in Input) File { return PatroniGuard(in.Cluster, in.Member) },
				func(Input) File { return PatroniGuardService() })
		},
	}
	PgBouncer = Daemon{
		Name: "pgbouncer", Unit: "pgbouncer", Packages: []string{"pgbouncer"}, Ports: []string{"pgbouncer"},
		CertFile: ServerCertPath, TLSReload: func(*stacks.Cluster) string { return ReloadIfActive("pgbouncer") },
		Files: func(in Input) []DaemonFile {
			reload := FileOps{OnChange: ReloadIfActive("pgbouncer")}
			return []DaemonFile{
				{Name: "dropin", Sized: func(_ Input, nofile int) File { return PgBouncerDropIn(nofile) }, Ops: FileOps{OnChange: DaemonReload}},
				{Name: "ini", Sized: func(in Input, nofile int) File { return PgBouncerConfig(in.Cluster, nofile) }, Ops: reload},
				{Name: "userlist", Secret: func(in Input, sec Secrets) File { return PgBouncerUserlist(in.Cluster, sec) }, Ops: reload},
				{Name: "hba", Plain: func(in Input) File { return PgBouncerHBA(in.Cluster) }, Ops: reload},
				// Patroni's unit orders itself after PgBouncer's once PgBouncer runs.
				{Name: "patroni-dropin", Plain: func(Input) File { return PatroniPgBouncerDropIn() }, Started: true,
					Ops: FileOps{OnChange: DaemonReload, OnDelete: DaemonReload}},
			}
		},
	}
	HAProxy = Daemon{
		Name: "haproxy", Unit: "haproxy", Packages: []string{"haproxy", "socat"}, Ports: []string{"haproxyStats"},
		CertFile: HAProxyPEMPath, TLSReload: func(*stacks.Cluster) string { return HAProxyReload },
		Files: func(in Input) []DaemonFile {
			return []DaemonFile{
				{Name: "dropin", Plain: func(Input) File { return HAProxyDropIn() }, Ops: FileOps{OnChange: DaemonReload}},
				// HAProxy reads Lua only when it starts or reloads: the base config's reload follows a change.
				{Name: "hold", Plain: func(Input) File { return HAProxyHold() }},
				{Name: "cfg", After: []string{"dropin", "hold"}, Ops: FileOps{Validate: HAProxyCheck, OnChange: HAProxyReload},
					Secret: func(in Input, sec Secrets) File { return HAProxyConfig(in.Cluster, sec) }},
				{Name: "routing", Plain: func(in Input) File { return HAProxyRouting(in.Cluster) }},
			}
		},
	}
	VipKeeper = Daemon{
		Name: "vip", Unit: VipUnit, Packages: []string{"arping", "iproute2", "nftables"},
		Runs:  func(c *stacks.Cluster) bool { return c.VIP.Enabled },
		Start: func(Input) string { return stopVipManager + "\n" + StartService(VipUnit) },
		Files: func(in Input) []DaemonFile {
			return scriptUnitFiles(VipUnit,
				func(in Input) File { return Vip(in.Cluster, in.Member) },
				func(in Input) File { return VipService(in.Cluster) })
		},
	}
)

// MemberDaemons are the daemons of a cluster member.
var MemberDaemons = []Daemon{Patroni, PatroniGuardDaemon, PgBouncer, HAProxy, VipKeeper}

// Environment daemons: the DCS on its members, DNS on infra nodes.
var (
	Etcd = Daemon{
		Name: "etcd", Unit: "etcd", Packages: []string{"etcd-server", "etcd-client"},
		Start: func(in Input) string { return EtcdStart(in.Spec, in.Node) },
		Files: func(in Input) []DaemonFile {
			return []DaemonFile{
				{Name: "dropin", Plain: func(Input) File { return EtcdDropIn() }, Ops: FileOps{OnChange: DaemonReload}},
				{Name: "env", After: []string{"dropin"}, Ops: FileOps{OnChange: EtcdRestart(in.Spec, in.Node)},
					Plain: func(in Input) File { return EtcdEnv(in.Spec, in.Node) }},
			}
		},
	}
	Dnsmasq = Daemon{
		Name: "dnsmasq", Unit: "dnsmasq", Packages: []string{"dnsmasq"},
		Start: func(Input) string { return DnsmasqStart() },
		Files: func(in Input) []DaemonFile {
			return []DaemonFile{{Name: "conf", Ops: FileOps{Validate: "dnsmasq --test", OnChange: RestartIfActive("dnsmasq")},
				Plain: func(in Input) File { return DnsmasqConfig(in.Spec.Infra[infraIndex(in.Spec, in.Node)]) }}}
		},
	}
)

// scriptUnitFiles are the files of a daemon that is a script of pgsvc's own run by a systemd
// unit: a change of either restarts it.
func scriptUnitFiles(unit string, script, file func(Input) File) []DaemonFile {
	return []DaemonFile{
		{Name: "sh", Plain: script, Ops: FileOps{OnChange: RestartIfActive(unit)}},
		{Name: "unit", Plain: file, After: []string{"sh"}, Ops: FileOps{OnChange: DaemonReload + " && " + RestartIfActive(unit)}},
	}
}

func infraIndex(s *stacks.Spec, node string) int {
	for i, n := range s.Infra {
		if n.Name == node {
			return i
		}
	}
	panic("render: " + node + " is not an infra node")
}

// NodeDaemons are the daemons machine m runs: dnsmasq on an infra node, etcd on a DCS member,
// and a member's daemons.
func NodeDaemons(s *stacks.Spec, m stacks.Machine) []Daemon {
	var ds []Daemon
	if m.Infra {
		ds = append(ds, Dnsmasq)
	}
	if m.Cluster != nil {
		for _, d := range MemberDaemons {
			if d.RunsOn(m.Cluster) {
				ds = append(ds, d)
			}
		}
	}
	if s.RunsEtcd(m.Name) {
		ds = append(ds, Etcd)
	}
	return ds
}

// NodePackages are the Debian packages machine m needs. A member gets the packages of every
// member daemon, also of those its cluster does not run now (the VIP keeper's): turning one on
// or off then installs nothing.
func NodePackages(s *stacks.Spec, m stacks.Machine) []string {
	pkgs := slices.Clone(BasePackages)
	if m.Infra {
		pkgs = append(pkgs, Dnsmasq.Packages...)
	}
	if s.RunsEtcd(m.Name) {
		pkgs = append(pkgs, Etcd.Packages...)
	}
	if m.Cluster != nil {
		for _, d := range MemberDaemons {
			pkgs = append(pkgs, d.Packages...)
		}
	}
	return pkgs
}

// NodeInput is the Input of every daemon machine m runs.
func NodeInput(s *stacks.Spec, m stacks.Machine) Input {
	in := Input{Spec: s, Cluster: m.Cluster, Node: m.Name}
	if m.Cluster != nil {
		for _, member := range m.Cluster.Members {
			if member.IP == m.IP {
				in.Member = member
			}
		}
	}
	return in
}

// CertReloads are, by certificate file, what makes the daemons of machine m that serve it take
// a new one.
func CertReloads(s *stacks.Spec, m stacks.Machine) map[string]FileOps {
	reloads := map[string]FileOps{}
	for _, d := range NodeDaemons(s, m) {
		if d.TLSReload == nil {
			continue
		}
		ops := reloads[d.CertFile]
		if ops.OnChange != "" {
			ops.OnChange += "\n"
		}
		ops.OnChange += d.TLSReload(m.Cluster)
		reloads[d.CertFile] = ops
	}
	return reloads
}
