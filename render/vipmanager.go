package render

import "pgsvc/stacks"

// VipManagerConfig is /etc/vip-manager/vip-manager.yml for member m: hold the VIP while the
// DCS leader key names m.
func VipManagerConfig(s *stacks.Spec, m stacks.Member) File {
	c := &s.Cluster
	data := map[string]any{"V": c.VIP, "Key": LeaderKey(c), "Name": c.MemberName(m), "Endpoints": EtcdEndpoints(s)}
	return File{Path: "/etc/vip-manager/vip-manager.yml", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("vip-manager.yml.tmpl", data)}
}

// VipManagerDropIn runs Debian's vip-manager.service from pgsvc's config file.
func VipManagerDropIn() File {
	return File{Path: "/etc/systemd/system/vip-manager.service.d/pgsvc.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("vip-manager-dropin.conf.tmpl", nil)}
}
