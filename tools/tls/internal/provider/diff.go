package provider

import (
	"context"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"pgsvc/tools/tls/internal/renewal"
)

// inPlace lists, per resource, the inputs that change without a replacement:
// only the certificates' earlyRenewalHours, as upstream. Any other change,
// at any depth (subject.commonName, dnsNames[1]), replaces the resource.
var inPlace = map[string]map[string]bool{
	SelfSignedCert:    {"earlyRenewalHours": true},
	LocallySignedCert: {"earlyRenewalHours": true},
}

// now is the clock of the renewal check.
var now = time.Now

// immutable wraps the Diff of prov (infer's, by old inputs against new):
//   - every change of an input not in inPlace becomes a replacement (infer
//     only honours replacement for changes of a whole property, and makes
//     changes updates as soon as a resource has an Update);
//   - a certificate that is ready for renewal (now at or past validityEndTime
//     minus the new earlyRenewalHours) is replaced even without input
//     changes, reported as a change of `readyForRenewal`, as upstream.
func immutable(prov p.Provider) p.Provider {
	diff := prov.Diff
	prov.Diff = func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
		resp, err := diff(ctx, req)
		if err != nil {
			return resp, err
		}
		typ := string(req.Urn.Type())
		for path, d := range resp.DetailedDiff {
			if !inPlace[typ][root(path)] {
				d.Kind = asReplace(d.Kind)
				resp.DetailedDiff[path] = d
			}
		}
		if _, isCert := inPlace[typ]; isCert && dueForRenewal(req) {
			if resp.DetailedDiff == nil {
				resp.DetailedDiff = map[string]p.PropertyDiff{}
			}
			resp.DetailedDiff["readyForRenewal"] = p.PropertyDiff{Kind: p.UpdateReplace}
			resp.HasChanges = true
		}
		return resp, nil
	}
	return prov
}

// dueForRenewal applies the renewal rule to the state's validityEndTime and
// the new earlyRenewalHours (the old one while the new one is unknown).
func dueForRenewal(req p.DiffRequest) bool {
	end, ok := req.State.GetOk("validityEndTime")
	if !ok || !end.IsString() || end.AsString() == "" {
		return false
	}
	hours, ok := number(req.Inputs, "earlyRenewalHours")
	if !ok {
		hours, _ = number(req.State, "earlyRenewalHours")
	}
	due, err := renewal.DueText(end.AsString(), hours, now())
	return err == nil && due
}

func number(m property.Map, key string) (int, bool) {
	v, ok := m.GetOk(key)
	if !ok || !v.IsNumber() {
		return 0, false
	}
	return int(v.AsNumber()), true
}

// root is the top-level property of a detailed diff path ("subject.commonName",
// "dnsNames[0]").
func root(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

func asReplace(k p.DiffKind) p.DiffKind {
	switch k {
	case p.Add:
		return p.AddReplace
	case p.Update:
		return p.UpdateReplace
	case p.Delete:
		return p.DeleteReplace
	}
	return k
}
