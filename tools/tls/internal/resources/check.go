package resources

import (
	"fmt"
	"slices"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// checker validates raw inputs in Check. It looks only at known values, so a
// preview with values still unknown (a key from a PrivateKey being created)
// passes, and Create checks them again. Reasons never quote secret values.
type checker struct {
	inputs   property.Map
	failures []p.CheckFailure
}

func newChecker(inputs property.Map) *checker { return &checker{inputs: inputs} }

func (c *checker) fail(key, format string, args ...any) {
	c.failures = append(c.failures, p.CheckFailure{Property: key, Reason: fmt.Sprintf(format, args...)})
}

// known returns the value under key when it is set and known.
func (c *checker) known(key string) (property.Value, bool) {
	v, ok := c.inputs.GetOk(key)
	if !ok || v.IsNull() || v.IsComputed() {
		return v, false
	}
	return v, true
}

// oneOf checks that a string is one of allowed.
func (c *checker) oneOf(key string, allowed []string) {
	if v, ok := c.known(key); ok && v.IsString() && !slices.Contains(allowed, v.AsString()) {
		c.fail(key, "%s must be one of %s, got %q", key, strings.Join(allowed, ", "), v.AsString())
	}
}

// atLeast checks that a number is at least min.
func (c *checker) atLeast(key string, min int) {
	if v, ok := c.known(key); ok && v.IsNumber() && v.AsNumber() < float64(min) {
		c.fail(key, "%s must be at least %d, got %v", key, min, v.AsNumber())
	}
}

// each checks the known string elements of a list with valid, whose error is
// the reason.
func (c *checker) each(key string, valid func(string) error) {
	v, ok := c.known(key)
	if !ok || !v.IsArray() {
		return
	}
	for i, e := range v.AsArray().All {
		if e.IsComputed() || !e.IsString() {
			continue
		}
		if err := valid(e.AsString()); err != nil {
			c.fail(fmt.Sprintf("%s[%d]", key, i), "%v", err)
		}
	}
}

// pem checks a (possibly secret) PEM string with parse, whose error must not
// quote the input.
func (c *checker) pem(key string, parse func(string) error) {
	if v, ok := c.known(key); ok && v.IsString() {
		if err := parse(v.AsString()); err != nil {
			c.fail(key, "%s: %v", key, err)
		}
	}
}
