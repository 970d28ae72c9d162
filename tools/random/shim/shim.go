// Package shim exposes the random Terraform provider to the Pulumi bridge.
//
// The provider constructor lives in an internal package, so it can only be
// imported from a package under the provider's own module path; this module
// exists solely to carry that path.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	tfrandom "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns the upstream random provider (Terraform plugin framework).
func NewProvider() provider.Provider {
	return tfrandom.New()
}
