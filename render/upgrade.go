package render

import (
	"path"

	"pgsvc/stacks"
)

// Upgrades of nodes that an earlier pgsvc deployed, apart from the steady state so that they
// can be retired once no such deployment is left:
//
//   - etcd from plain HTTP to TLS (2026-11): EtcdMovePath, etcdStartMove, EtcdFinishMoveScript;
//     the components' side is components/upgrade.go;
//   - Debian's vip-manager 1.0.2 to pgsvc-vip (2026-12): stopVipManager.

// EtcdMovePath holds the settings of a member's move to TLS; etcd.service reads it after
// /etc/default/etcd (see EtcdDropIn). A member of an etcd cluster deployed before etcd spoke
// TLS first restarts with its certificate but still listens for peers and clients in plain HTTP
// too, so that no DCS client or peer loses it; once every DCS client speaks TLS, each member in
// turn moves its peer URL to TLS and restarts without the file (EtcdFinishMoveScript). It lives
// on a tmpfs.
const EtcdMovePath = "/run/pgsvc/etcd-tls-move.env"

// EtcdMove is the file at EtcdMovePath for the member named name.
func EtcdMove(s *stacks.Spec, name string) File {
	return File{Path: EtcdMovePath, Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("etcd-tls-move.env.tmpl", etcdEnvData(s, name))}
}

// etcdStartMove starts a member's move to TLS when its previous settings ("$f.pgsvc-old") had
// plain peer URLs: it restarts with its certificate but keeps its plain listeners (EtcdMove)
// until every DCS client speaks TLS.
func etcdStartMove(s *stacks.Spec, member string) string {
	move := EtcdMove(s, member)
	return snippet("etcd-tls-move-start.sh.tmpl", map[string]string{"Dir": path.Dir(move.Path), "Path": move.Path, "Content": string(move.Content)})
}

// EtcdFinishMoveScript ends the member's move to TLS, if it is in one: its peer URL in the
// membership becomes https, and it restarts with TLS listeners only. stdin: root password.
func EtcdFinishMoveScript(s *stacks.Spec, name string) []byte {
	data := etcdAuthData(s, nil)
	data["Name"], data["Move"] = name, EtcdMovePath
	data["PeerURL"] = "https://" + hostPort(s.NodeIPs()[name], s.Etcd.PeerPort)
	return execute("etcd-tls-finish.sh.tmpl", data)
}

// stopVipManager stops Debian's vip-manager, which earlier deployments ran in pgsvc-vip's place.
var stopVipManager = StopService("vip-manager")
