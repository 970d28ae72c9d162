package plugintest

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/bcrypt"
	"google.golang.org/protobuf/types/known/emptypb"
)

const (
	passwordType = "random:index/randomPassword:RandomPassword"
	stringType   = "random:index/randomString:RandomString"
	bytesType    = "random:index/randomBytes:RandomBytes"
)

func TestPluginInfo(t *testing.T) {
	p := startProvider(t)
	info, err := p.client.GetPluginInfo(context.Background(), &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.GetVersion(), "4.21.1"; got != want {
		t.Errorf("plugin version = %q, want %q", got, want)
	}
}

// stringOutput returns a string output and whether it was marked secret.
func stringOutput(t *testing.T, outputs resource.PropertyMap, key resource.PropertyKey) (string, bool) {
	t.Helper()
	v, ok := outputs[key]
	if !ok {
		t.Fatalf("output %q missing; have %v", key, outputs.StableKeys())
	}
	secret := v.IsSecret()
	if secret {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		t.Fatalf("output %q is %s, want string", key, v.TypeString())
	}
	return v.StringValue(), secret
}

// checkCharset fails unless every rune of s satisfies allowed and, for each
// of mins, at least count runes are of its class. Messages never show s, which
// may be a secret.
func checkCharset(t *testing.T, s string, allowed func(rune) bool, mins []minClass) {
	t.Helper()
	for i, r := range s {
		if !allowed(r) {
			t.Errorf("result has a disallowed character at byte %d", i)
		}
	}
	for _, m := range mins {
		count := 0
		for _, r := range s {
			if m.class(r) {
				count++
			}
		}
		if count < m.count {
			t.Errorf("result has %d %s characters, want at least %d", count, m.name, m.count)
		}
	}
}

type minClass struct {
	name  string
	class func(rune) bool
	count int
}

func isASCIILowerOrDigit(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') }

func isASCIIAlnum(r rune) bool { return isASCIILowerOrDigit(r) || (r >= 'A' && r <= 'Z') }

func isASCIIUpper(r rune) bool { return r >= 'A' && r <= 'Z' }

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func TestCreate(t *testing.T) {
	p := startProvider(t)
	tests := []struct {
		name   string
		typ    string
		inputs resource.PropertyMap
		check  func(t *testing.T, s state)
	}{
		{
			name: "password with restricted specials and minimums",
			typ:  passwordType,
			inputs: resource.PropertyMap{
				"length":          resource.NewProperty(24.0),
				"special":         resource.NewProperty(true),
				"overrideSpecial": resource.NewProperty("!#%"),
				"minUpper":        resource.NewProperty(3.0),
				"minNumeric":      resource.NewProperty(3.0),
				"minSpecial":      resource.NewProperty(2.0),
			},
			check: func(t *testing.T, s state) {
				result, secret := stringOutput(t, s.outputs, "result")
				if !secret {
					t.Error("result is not marked secret")
				}
				if len(result) != 24 {
					t.Errorf("len(result) = %d, want 24", len(result))
				}
				checkCharset(t, result,
					func(r rune) bool { return isASCIIAlnum(r) || strings.ContainsRune("!#%", r) },
					[]minClass{
						{"upper", isASCIIUpper, 3},
						{"numeric", isASCIIDigit, 3},
						{"special", func(r rune) bool { return strings.ContainsRune("!#%", r) }, 2},
					})
				hash, secret := stringOutput(t, s.outputs, "bcryptHash")
				if !secret {
					t.Error("bcryptHash is not marked secret")
				}
				if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(result)); err != nil {
					t.Errorf("bcryptHash does not match result: %v", err)
				}
			},
		},
		{
			name: "password without specials",
			typ:  passwordType,
			inputs: resource.PropertyMap{
				"length":  resource.NewProperty(40.0),
				"special": resource.NewProperty(false),
			},
			check: func(t *testing.T, s state) {
				result, _ := stringOutput(t, s.outputs, "result")
				if len(result) != 40 {
					t.Errorf("len(result) = %d, want 40", len(result))
				}
				checkCharset(t, result, isASCIIAlnum, nil)
			},
		},
		{
			name: "string of lowercase and digits",
			typ:  stringType,
			inputs: resource.PropertyMap{
				"length":  resource.NewProperty(16.0),
				"special": resource.NewProperty(false),
				"upper":   resource.NewProperty(false),
			},
			check: func(t *testing.T, s state) {
				result, secret := stringOutput(t, s.outputs, "result")
				if secret {
					t.Error("RandomString result is marked secret; SDK v4.21.1 treats it as plain")
				}
				if len(result) != 16 {
					t.Errorf("len(result) = %d, want 16", len(result))
				}
				checkCharset(t, result, isASCIILowerOrDigit, nil)
				if s.id != result {
					t.Errorf("id = %q, want the result %q", s.id, result)
				}
			},
		},
		{
			name:   "bytes take their id from base64",
			typ:    bytesType,
			inputs: resource.PropertyMap{"length": resource.NewProperty(32.0)},
			check: func(t *testing.T, s state) {
				b64, secret := stringOutput(t, s.outputs, "base64")
				if !secret {
					t.Error("base64 is not marked secret")
				}
				if s.id != b64 {
					t.Errorf("id = %q, want the base64 output", s.id)
				}
				raw, err := base64.StdEncoding.DecodeString(b64)
				if err != nil || len(raw) != 32 {
					t.Errorf("base64 decodes to %d bytes (err %v), want 32", len(raw), err)
				}
				hx, _ := stringOutput(t, s.outputs, "hex")
				if hx != hex.EncodeToString(raw) {
					t.Errorf("hex %q does not encode the same bytes as base64", hx)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := p.create(t, tt.typ, strings.ReplaceAll(tt.name, " ", "-"), tt.inputs)
			if s.id == "" {
				t.Fatal("created resource has an empty id")
			}
			tt.check(t, s)
		})
	}
}

func TestDiff(t *testing.T) {
	p := startProvider(t)
	base := func(length float64, rotation string) resource.PropertyMap {
		return resource.PropertyMap{
			"length":  resource.NewProperty(length),
			"keepers": resource.NewProperty(resource.PropertyMap{"rotation": resource.NewProperty(rotation)}),
		}
	}
	tests := []struct {
		name        string
		typ         string
		news        resource.PropertyMap
		wantChanges pulumirpc.DiffResponse_DiffChanges
		wantReplace []string
	}{
		{"password unchanged", passwordType, base(20, "1"), pulumirpc.DiffResponse_DIFF_NONE, nil},
		{"password keeper changed", passwordType, base(20, "2"), pulumirpc.DiffResponse_DIFF_SOME, []string{"keepers"}},
		{"password length changed", passwordType, base(21, "1"), pulumirpc.DiffResponse_DIFF_SOME, []string{"length"}},
		{"string unchanged", stringType, base(20, "1"), pulumirpc.DiffResponse_DIFF_NONE, nil},
		{"string keeper changed", stringType, base(20, "2"), pulumirpc.DiffResponse_DIFF_SOME, []string{"keepers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := p.create(t, tt.typ, strings.ReplaceAll(tt.name, " ", "-"), base(20, "1"))
			resp := p.diff(t, s, tt.news)
			if resp.GetChanges() != tt.wantChanges {
				t.Errorf("changes = %v, want %v", resp.GetChanges(), tt.wantChanges)
			}
			replaces := resp.GetReplaces()
			slices.Sort(replaces)
			if !slices.Equal(replaces, tt.wantReplace) {
				t.Errorf("replaces = %v, want %v", replaces, tt.wantReplace)
			}
		})
	}
}
