// Package provider assembles the tls provider: package `tls`, version 5.2.0,
// the version the pulumi-tls Go SDK v5.2.0 asks the engine for.
package provider

import (
	"github.com/pulumi/pulumi-go-provider/infer"

	p "github.com/pulumi/pulumi-go-provider"

	"pgsvc/tools/tls/internal/resources"
)

// Name and Version identify the plugin to the engine.
const (
	Name    = "tls"
	Version = "5.2.0"
)

// Resource tokens of pulumi-tls v5.2.0. Each resource sets its own with
// SetToken; these name them for the diff policy and the tests.
const (
	PrivateKey        = "tls:index/privateKey:PrivateKey"
	SelfSignedCert    = "tls:index/selfSignedCert:SelfSignedCert"
	CertRequest       = "tls:index/certRequest:CertRequest"
	LocallySignedCert = "tls:index/locallySignedCert:LocallySignedCert"
)

// New builds the provider.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("TLS").
		WithDescription("Private keys, certificate requests and certificates (pgsvc build, compatible with pulumi-tls v5.2.0).").
		WithResources(
			infer.Resource(&resources.PrivateKey{}),
			infer.Resource(&resources.SelfSignedCert{}),
			infer.Resource(&resources.CertRequest{}),
			infer.Resource(&resources.LocallySignedCert{}),
		).
		Build()
	if err != nil {
		return p.Provider{}, err
	}
	return withModuleFormat(immutable(prov)), nil
}
