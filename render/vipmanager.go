package render

import "pgsvc/stacks"

// VipScript is the path of the script that keeps the VIP on the primary.
const VipScript = "/usr/local/lib/pgsvc/vip.sh"

// VipUnit is the systemd unit that runs VipScript.
const VipUnit = "pgsvc-vip"

// vipPatience is how many polls in a row Patroni may leave unanswered before the VIP goes.
const vipPatience = 3

// Vip is the script of VipUnit on member m: hold the VIP while the member's Patroni answers 200
// on /primary, and reset the connections made through it when it goes.
func Vip(c *stacks.Cluster, m stacks.Member) File {
	data := map[string]any{"Name": c.MemberName(m), "Address": c.VIP.Address, "Prefix": c.VIP.Prefix, "Interface": c.VIP.Interface,
		"URL": c.PatroniURL("127.0.0.1", "/primary"), "CA": CACertPath, "Patience": vipPatience}
	return File{Path: VipScript, Mode: "0755", Owner: userRoot, Group: userRoot, Content: execute("vip.sh.tmpl", data)}
}

// VipService is the systemd unit file of VipUnit.
func VipService(c *stacks.Cluster) File {
	return File{Path: "/etc/systemd/system/" + VipUnit + ".service", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("vip.service.tmpl", map[string]any{"Address": c.VIP.Address, "Script": VipScript})}
}
