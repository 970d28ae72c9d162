package plugintest

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// pulumiTags lists the `pulumi:"..."` names of t's own (non-embedded) fields.
func pulumiTags(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if f.Anonymous {
			continue
		}
		if tag, ok := f.Tag.Lookup("pulumi"); ok {
			names = append(names, strings.Split(tag, ",")[0])
		}
	}
	return names
}

type schemaProperty struct {
	Secret bool `json:"secret"`
}

type schemaResource struct {
	Properties      map[string]schemaProperty `json:"properties"`
	InputProperties map[string]schemaProperty `json:"inputProperties"`
}

// TestSchemaCoversSDK checks, for every resource of the published Go SDK,
// that the plugin's schema has the token and every input and output field
// the SDK sends or reads, and marks the SDK's secret outputs secret.
func TestSchemaCoversSDK(t *testing.T) {
	p := startProvider(t)
	resp, err := p.client.GetSchema(context.Background(), &pulumirpc.GetSchemaRequest{})
	if err != nil {
		t.Fatalf("GetSchema: %v", err)
	}
	var schema struct {
		Name      string                    `json:"name"`
		Resources map[string]schemaResource `json:"resources"`
	}
	if err := json.Unmarshal([]byte(resp.GetSchema()), &schema); err != nil {
		t.Fatalf("decode schema: %v", err)
	}
	if schema.Name != "random" {
		t.Errorf("schema name = %q, want random", schema.Name)
	}

	tests := []struct {
		token   string
		outputs reflect.Type
		inputs  reflect.Type
		secrets []string
	}{
		{"random:index/randomBytes:RandomBytes", reflect.TypeFor[random.RandomBytes](), random.RandomBytesArgs{}.ElementType(), []string{"base64", "hex"}},
		{"random:index/randomId:RandomId", reflect.TypeFor[random.RandomId](), random.RandomIdArgs{}.ElementType(), nil},
		{"random:index/randomInteger:RandomInteger", reflect.TypeFor[random.RandomInteger](), random.RandomIntegerArgs{}.ElementType(), nil},
		{"random:index/randomPassword:RandomPassword", reflect.TypeFor[random.RandomPassword](), random.RandomPasswordArgs{}.ElementType(), []string{"bcryptHash", "result"}},
		{"random:index/randomPet:RandomPet", reflect.TypeFor[random.RandomPet](), random.RandomPetArgs{}.ElementType(), nil},
		{"random:index/randomShuffle:RandomShuffle", reflect.TypeFor[random.RandomShuffle](), random.RandomShuffleArgs{}.ElementType(), nil},
		{"random:index/randomString:RandomString", reflect.TypeFor[random.RandomString](), random.RandomStringArgs{}.ElementType(), nil},
		{"random:index/randomUuid:RandomUuid", reflect.TypeFor[random.RandomUuid](), random.RandomUuidArgs{}.ElementType(), nil},
		{"random:index/randomUuid4:RandomUuid4", reflect.TypeFor[random.RandomUuid4](), random.RandomUuid4Args{}.ElementType(), nil},
		{"random:index/randomUuid7:RandomUuid7", reflect.TypeFor[random.RandomUuid7](), random.RandomUuid7Args{}.ElementType(), nil},
	}
	if len(tests) != len(schema.Resources) {
		t.Errorf("schema has %d resources, SDK has %d", len(schema.Resources), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			res, ok := schema.Resources[tt.token]
			if !ok {
				t.Fatalf("schema lacks resource %s", tt.token)
			}
			outputs, inputs := pulumiTags(tt.outputs), pulumiTags(tt.inputs)
			if len(outputs) == 0 || len(inputs) == 0 {
				t.Fatalf("SDK types %v/%v have no pulumi-tagged fields", tt.outputs, tt.inputs)
			}
			for _, name := range outputs {
				prop, ok := res.Properties[name]
				if !ok {
					t.Errorf("output %q missing from schema", name)
					continue
				}
				if want := slices.Contains(tt.secrets, name); prop.Secret != want {
					t.Errorf("output %q secret = %v, want %v", name, prop.Secret, want)
				}
			}
			for _, name := range inputs {
				if _, ok := res.InputProperties[name]; !ok {
					t.Errorf("input %q missing from schema", name)
				}
			}
		})
	}
}
