// Package mock runs pgsvc's component tree against Pulumi's mocked engine and records every
// resource it registers, for unit tests.
package mock

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/components"
	"pgsvc/stacks"
)

// NoFile is the open-files limit the mocked facts command reports, as on the lab's nodes.
const NoFile = "20000"

// Registered is one resource the program registered with the mocked engine.
type Registered struct {
	Type, Name, Parent string
	Deps               []string
	Inputs             resource.PropertyMap
	// Aliases are the former identities the resource claims, each "name under parent URN".
	Aliases []string
}

type mocks struct {
	mu        sync.Mutex
	resources map[string]*Registered
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := &Registered{Type: args.TypeToken, Name: args.Name, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Deps = rpc.GetDependencies()
		for _, a := range rpc.GetAliases() {
			if spec := a.GetSpec(); spec != nil {
				r.Aliases = append(r.Aliases, spec.GetName()+" under "+spec.GetParentUrn())
			}
		}
	}
	m.resources[args.Name] = r
	outs := args.Inputs.Copy()
	switch args.TypeToken {
	case "random:index/randomPassword:RandomPassword":
		outs["result"] = resource.NewStringProperty("pw-" + args.Name)
	case "tls:index/privateKey:PrivateKey":
		outs["privateKeyPem"] = resource.MakeSecret(resource.NewStringProperty("key of " + args.Name + "\n"))
	case "tls:index/certRequest:CertRequest":
		outs["certRequestPem"] = resource.NewStringProperty("request of " + args.Name + "\n")
	case "tls:index/selfSignedCert:SelfSignedCert", "tls:index/locallySignedCert:LocallySignedCert":
		outs["certPem"] = resource.NewStringProperty("certificate " + args.Name + "\n")
	case "command:remote:Command":
		if strings.HasSuffix(args.Name, "-facts") {
			outs["stdout"] = resource.NewStringProperty(NoFile + "\n")
		} else {
			outs["stdout"] = resource.NewStringProperty("")
		}
	}
	return args.Name + "-id", outs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// Deploy runs the program's deployment of spec against the mocked engine and returns, by name,
// what it registered.
func Deploy(t testing.TB, spec *stacks.Spec) map[string]*Registered {
	t.Helper()
	m := &mocks{resources: map[string]*Registered{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := components.Deploy(ctx, spec, pulumi.String("test-key"))
		return err
	}, pulumi.WithMocks("pgsvc", "dev", m))
	if err != nil {
		t.Fatal(err)
	}
	return m.resources
}

// Plain looks through secrets and outputs to the value inside.
func Plain(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// Str reads a string property, looking through secrets.
func Str(v resource.PropertyValue) string {
	if p := Plain(v); p.IsString() {
		return p.StringValue()
	}
	return ""
}
