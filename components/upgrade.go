package components

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/stacks"
)

// legacyAliases say where an environment-wide resource lived before a stack could hold several
// clusters: under the stack's one PgCluster, some under another name (oldName, given the
// cluster's name; nil keeps the name). With them, upgrading such a stack moves the resources in
// the state instead of replacing them, which would stop etcd and dnsmasq and generate a new etcd
// root password.
func legacyAliases(ctx *pulumi.Context, spec *stacks.Spec, oldName func(cluster string) string) pulumi.ResourceOption {
	var aliases []pulumi.Alias
	for _, c := range spec.Clusters {
		a := pulumi.Alias{ParentURN: pulumi.URN(fmt.Sprintf("urn:pulumi:%s::%s::pgsvc:index:PgCluster::%s", ctx.Stack(), ctx.Project(), c.Name))}
		if oldName != nil {
			a.Name = pulumi.String(oldName(c.Name))
		}
		aliases = append(aliases, a)
	}
	return pulumi.Aliases(aliases)
}
