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
		Content: execute("vip-manager-dropin.conf.tmpl", map[string]any{"Release": VipReleaseUnit})}
}

// VipReleaseScript is the path of the script that resets the VIP's connections on a node that
// loses it.
const VipReleaseScript = "/usr/local/lib/pgsvc/vip-release.sh"

// VipReleaseUnit is the systemd unit that runs VipReleaseScript beside vip-manager.
const VipReleaseUnit = "pgsvc-vip-release"

// VipRelease is the script of VipReleaseUnit on member m.
func VipRelease(c *stacks.Cluster, m stacks.Member) File {
	return File{Path: VipReleaseScript, Mode: "0755", Owner: userRoot, Group: userRoot,
		Content: execute("vip-release.sh.tmpl", map[string]any{"Name": c.MemberName(m), "Address": c.VIP.Address, "Interface": c.VIP.Interface})}
}

// VipReleaseService is the systemd unit file of VipReleaseUnit.
func VipReleaseService(c *stacks.Cluster) File {
	return File{Path: "/etc/systemd/system/" + VipReleaseUnit + ".service", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("vip-release.service.tmpl", map[string]any{"Address": c.VIP.Address, "Script": VipReleaseScript})}
}
