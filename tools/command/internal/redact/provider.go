package redact

import (
	"context"
	"errors"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Guard wraps the resource operations of prov so that each one runs with a
// Redactor for the secrets of its request in its context, and so that no
// secret of the request survives in a returned error.
func Guard(prov p.Provider) p.Provider {
	if check := prov.Check; check != nil {
		prov.Check = func(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
			return guarded(ctx, check, req, req.Inputs, req.State)
		}
	}
	if diff := prov.Diff; diff != nil {
		prov.Diff = func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
			return guarded(ctx, diff, req, req.Inputs, req.State, req.OldInputs)
		}
	}
	if create := prov.Create; create != nil {
		prov.Create = func(ctx context.Context, req p.CreateRequest) (p.CreateResponse, error) {
			return guarded(ctx, create, req, req.Properties)
		}
	}
	if read := prov.Read; read != nil {
		prov.Read = func(ctx context.Context, req p.ReadRequest) (p.ReadResponse, error) {
			return guarded(ctx, read, req, req.Properties, req.Inputs)
		}
	}
	if update := prov.Update; update != nil {
		prov.Update = func(ctx context.Context, req p.UpdateRequest) (p.UpdateResponse, error) {
			return guarded(ctx, update, req, req.Inputs, req.State, req.OldInputs)
		}
	}
	if del := prov.Delete; del != nil {
		prov.Delete = func(ctx context.Context, req p.DeleteRequest) error {
			r := FromMaps(req.Properties, req.OldInputs)
			return scrub(r, del(WithContext(ctx, r), req))
		}
	}
	return prov
}

func guarded[Req, Resp any](
	ctx context.Context, op func(context.Context, Req) (Resp, error), req Req, maps ...property.Map,
) (Resp, error) {
	r := FromMaps(maps...)
	resp, err := op(WithContext(ctx, r), req)
	return resp, scrub(r, err)
}

// scrub returns err unchanged when its text holds no secret; otherwise a plain
// error with the masked text (the error's type is dropped with the secret).
func scrub(r *Redactor, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if masked := r.String(msg); masked != msg {
		return errors.New(masked)
	}
	return err
}
