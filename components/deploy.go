package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/stacks"
)

// Deployment is what a stack deployed: the CA certificate its clients verify servers with, and
// its clusters by name.
type Deployment struct {
	CACert   pulumi.StringOutput
	Clusters map[string]*PgCluster
}

// Deploy registers a stack's environment and its clusters.
func Deploy(ctx *pulumi.Context, spec *stacks.Spec, key pulumi.StringInput) (*Deployment, error) {
	env, err := NewEnvironment(ctx, "env", &EnvironmentArgs{Spec: spec, PrivateKey: key})
	if err != nil {
		return nil, err
	}
	clusters := map[string]*PgCluster{}
	var clients []pulumi.Resource
	for i := range spec.Clusters {
		c := &spec.Clusters[i]
		pc, err := NewPgCluster(ctx, c.Name, &PgClusterArgs{Env: env, Cluster: c})
		if err != nil {
			return nil, err
		}
		clusters[c.Name] = pc
		clients = append(clients, pc.DCSClients...)
	}
	return &Deployment{CACert: env.CA.CertPem, Clusters: clusters}, env.TurnOnAuth(ctx, clients)
}
