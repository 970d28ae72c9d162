// Package resources defines the four tls resources on pulumi-go-provider's
// infer package: their inputs and outputs under the SDK's tokens and names,
// their checks, and create/update/read. Keys and certificates are made by
// packages keys and certs; the replacement policy is the provider's Diff
// (package provider).
package resources
