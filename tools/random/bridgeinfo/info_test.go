package bridgeinfo

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestBytesID(t *testing.T) {
	tests := []struct {
		name    string
		state   resource.PropertyMap
		want    resource.ID
		wantErr string
	}{
		{"plain base64", resource.PropertyMap{"base64": resource.NewProperty("AAEC")}, "AAEC", ""},
		{"secret base64", resource.PropertyMap{"base64": resource.MakeSecret(resource.NewProperty("AAEC"))}, "AAEC", ""},
		{"missing base64", resource.PropertyMap{"hex": resource.NewProperty("000102")}, "", `no "base64"`},
		{"non-string base64", resource.PropertyMap{"base64": resource.NewProperty(3.0)}, "", `"base64" is number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bytesID(context.Background(), tt.state)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("bytesID error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("bytesID = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestInfoTokens(t *testing.T) {
	info := Info([]byte("{}"))
	want := map[string]string{
		"random_password": "random:index/randomPassword:RandomPassword",
		"random_string":   "random:index/randomString:RandomString",
		"random_uuid7":    "random:index/randomUuid7:RandomUuid7",
	}
	for tf, tok := range want {
		var got string
		if r, ok := info.Resources[tf]; ok {
			got = string(r.Tok)
		}
		if got != tok {
			t.Errorf("token for %s = %q, want %q", tf, got, tok)
		}
	}
	if info.Resources["random_bytes"].ComputeID == nil {
		t.Error("random_bytes has no ComputeID; it has no id attribute")
	}
}
