package render

import (
	"fmt"

	"pgsvc/stacks"
)

// HAProxyServicesDir holds one file per service; HAProxy loads it after haproxy.cfg.
const HAProxyServicesDir = "/etc/haproxy/services"

// HAProxyConfig is /etc/haproxy/haproxy.cfg: global settings, defaults and the stats page.
func HAProxyConfig(s *stacks.Spec, sec Secrets) File {
	data := map[string]any{"C": &s.Cluster, "AdminPassword": sec[SecretHAProxy]}
	return File{Path: "/etc/haproxy/haproxy.cfg", Mode: "0640", Owner: userRoot, Group: groupHAProxy,
		Content: execute("haproxy.cfg.tmpl", data), Secret: true}
}

// HAProxyService is the listen section of one service.
func HAProxyService(s *stacks.Spec, svc stacks.Service) File {
	c := &s.Cluster
	bind := fmt.Sprintf("%s:%d", svc.IP, svc.Port)
	data := map[string]any{
		"Section": c.Name + "-" + svc.Name, "Bind": bind, "S": svc, "Options": c.ServerOptions(svc),
		"Servers": c.Servers(svc), "DestPort": c.DestPort(svc), "PatroniPort": c.Ports.Patroni,
	}
	return File{Path: fmt.Sprintf("%s/%s-%s.cfg", HAProxyServicesDir, c.Name, svc.Name), Mode: "0644",
		Owner: userRoot, Group: userRoot, Content: execute("haproxy-service.cfg.tmpl", data)}
}

// HAProxyDropIn makes Debian's haproxy.service load the services directory too, for start and
// for the validation that runs before every reload.
func HAProxyDropIn() File {
	return File{Path: "/etc/systemd/system/haproxy.service.d/pgsvc.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("haproxy-dropin.conf.tmpl", map[string]string{"Dir": HAProxyServicesDir})}
}
