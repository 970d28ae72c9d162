package redact

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// A connection is secret as a whole (the SDK makes it so) but only its
// credentials, and fields that are secret on their own, are masked.
func TestRedactorMasksSecretStringsOnly(t *testing.T) {
	key := "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\nEEEEFFFFGGGG\nxy\n-----END KEY-----"
	inputs := property.NewMap(map[string]property.Value{
		"stdin":  property.New("hunter22").WithSecret(true),
		"create": property.New("echo public"),
		"connection": property.New(map[string]property.Value{
			"host":     property.New("10.213.0.5"),
			"user":     property.New("postgres"),
			"password": property.New("login-pw"),
			"hostKey":  property.New("ssh-ed25519 AAAAsecrethostkey").WithSecret(true),
			"proxy": property.New(map[string]property.Value{
				"host":       property.New("10.213.0.1"),
				"privateKey": property.New(key),
			}),
		}).WithSecret(true),
		"environment": property.New(map[string]property.Value{
			"PGPASSWORD": property.New("pa55word").WithSecret(true),
			"PGUSER":     property.New("postgres"),
		}),
		"triggers": property.New([]property.Value{property.New("tok3n-in-list").WithSecret(true)}),
		"short":    property.New("ab").WithSecret(true),
	})
	r := FromMaps(inputs)

	tests := []struct{ in, want string }{
		{"password hunter22 leaked", "password [secret] leaked"},
		{"echo public to postgres", "echo public to postgres"},
		{"PGPASSWORD=pa55word", "PGPASSWORD=[secret]"},
		{"list tok3n-in-list", "list [secret]"},
		{"connect postgres@10.213.0.5 via 10.213.0.1", "connect postgres@10.213.0.5 via 10.213.0.1"},
		{"password login-pw", "password [secret]"},
		{"key ssh-ed25519 AAAAsecrethostkey", "key [secret]"},
		{"whole key: " + key, "whole key: [secret]"},
		{"one line: AAAABBBBCCCCDDDD", "one line: [secret]"},
		{"short line xy and secret ab stay", "short line xy and secret ab stay"},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactorFromContext(t *testing.T) {
	if got := FromContext(context.Background()).String("x hunter22"); got != "x hunter22" {
		t.Errorf("a context without a redactor masked text: %q", got)
	}
	r := FromMaps(property.NewMap(map[string]property.Value{"p": property.New("hunter22").WithSecret(true)}))
	ctx := WithContext(context.Background(), r)
	if got := FromContext(ctx).String("x hunter22"); got != "x [secret]" {
		t.Errorf("String = %q", got)
	}
}
