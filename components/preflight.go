package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
)

// newPreflights checks every node before any node is changed: a node pgsvc cannot manage stops
// the whole deployment with an error that names it, while nothing is installed anywhere.
func newPreflights(ctx *pulumi.Context, conns []Conn, parent pulumi.Resource, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var checks []pulumi.Resource
	for _, conn := range conns {
		c, err := run(ctx, conn.Node+"-preflight", conn, step{Create: render.Preflight(conn.Node, conn.IP), AsLogin: true}, parent, nil, opts...)
		if err != nil {
			return nil, err
		}
		checks = append(checks, c)
	}
	return checks, nil
}
