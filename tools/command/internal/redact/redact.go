// Package redact keeps the values of secret inputs out of log lines and error
// messages produced while a resource operation runs.
package redact

import (
	"context"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Mask replaces every secret value in redacted text.
const Mask = "[secret]"

// Values shorter than these lengths are not masked: masking a one- or two-byte
// secret would shred unrelated text, and short lines of a multi-line secret (a
// PEM key's last line, say) are not worth hiding on their own.
const (
	minValueLen = 3
	minLineLen  = 8
)

// Redactor masks a fixed set of secret strings.
type Redactor struct {
	secrets []string // longest first, so a secret that contains another is masked whole
}

// credentials are the fields of a `connection` (and of its `proxy`) that are
// masked when the connection is secret as a whole, as the SDK always makes it.
// Its other fields, such as host and user, are masked only when secret on
// their own: masking "root" or a host name would garble every log line.
var credentials = map[string]bool{"password": true, "privateKey": true, "privateKeyPassword": true}

// FromMaps collects every string held under a secret marker in maps.
func FromMaps(maps ...property.Map) *Redactor {
	seen := map[string]bool{}
	for _, m := range maps {
		for k, v := range m.All {
			if k == "connection" {
				collectConnection(v, false, seen)
			} else {
				collect(v, false, seen)
			}
		}
	}
	r := &Redactor{}
	for s := range seen {
		r.secrets = append(r.secrets, s)
	}
	sort.Slice(r.secrets, func(i, j int) bool {
		if len(r.secrets[i]) != len(r.secrets[j]) {
			return len(r.secrets[i]) > len(r.secrets[j])
		}
		return r.secrets[i] < r.secrets[j]
	})
	return r
}

func collect(v property.Value, underSecret bool, seen map[string]bool) {
	secret := underSecret || v.Secret()
	switch {
	case v.IsString():
		if secret {
			addSecret(v.AsString(), seen)
		}
	case v.IsMap():
		for _, e := range v.AsMap().All {
			collect(e, secret, seen)
		}
	case v.IsArray():
		for _, e := range v.AsArray().All {
			collect(e, secret, seen)
		}
	}
}

func collectConnection(v property.Value, underSecret bool, seen map[string]bool) {
	if !v.IsMap() {
		collect(v, underSecret, seen)
		return
	}
	secret := underSecret || v.Secret()
	for k, field := range v.AsMap().All {
		switch {
		case k == "proxy":
			collectConnection(field, secret, seen)
		case credentials[k]:
			collect(field, secret, seen)
		default:
			collect(field, false, seen)
		}
	}
}

func addSecret(s string, seen map[string]bool) {
	if len(s) >= minValueLen {
		seen[s] = true
	}
	if !strings.ContainsAny(s, "\r\n") {
		return
	}
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if line = strings.TrimSpace(line); len(line) >= minLineLen {
			seen[line] = true
		}
	}
}

// String returns s with every secret replaced by [Mask]. A nil Redactor masks nothing.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, Mask)
	}
	return s
}

type contextKey struct{}

// WithContext returns ctx carrying r.
func WithContext(ctx context.Context, r *Redactor) context.Context {
	return context.WithValue(ctx, contextKey{}, r)
}

// FromContext returns the Redactor carried by ctx, or nil (which masks nothing).
func FromContext(ctx context.Context) *Redactor {
	r, _ := ctx.Value(contextKey{}).(*Redactor)
	return r
}
