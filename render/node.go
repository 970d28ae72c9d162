package render

// CreateClusterConf keeps Debian's postgresql-common from creating and starting its default
// 15/main cluster when the package is installed: Patroni owns the data directory.
func CreateClusterConf() File {
	return File{Path: "/etc/postgresql-common/createcluster.conf", Mode: "0644", Owner: userRoot, Group: userRoot,
		Content: execute("createcluster.conf.tmpl", nil)}
}
