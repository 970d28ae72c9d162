package render

import "pgsvc/stacks"

// VipManagerConfig is /etc/vip-manager/vip-manager.yml for member m: hold the VIP while the
// DCS leader key names m. It reads the DCS as the cluster's etcd user.
func VipManagerConfig(s *stacks.Spec, c *stacks.Cluster, m stacks.Member, sec Secrets) File {
	data := map[string]any{"V": c.VIP, "Key": LeaderKey(c), "Name": c.MemberName(m), "Endpoints": EtcdEndpoints(s),
		"User": EtcdUser(c), "Password": sec[SecretEtcdCluster], "CA": CACertPath}
	return File{Path: "/etc/vip-manager/vip-manager.yml", Mode: "0600", Owner: userRoot, Group: userRoot,
		Content: execute("vip-manager.yml.tmpl", data), Secret: true}
}

// VipManagerDropIn runs Debian's vip-manager.service from pgsvc's config file.
func VipManagerDropIn() File {
	return File{Path: "/etc/systemd/system/vip-manager.service.d/pgsvc.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("vip-manager-dropin.conf.tmpl", nil)}
}
