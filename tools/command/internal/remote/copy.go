package remote

import (
	"context"
	"fmt"

	"github.com/pkg/sftp"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi-go-provider/infer/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"pgsvc/tools/command/internal/redact"
	"pgsvc/tools/command/internal/sftpcopy"
	"pgsvc/tools/command/internal/sshconn"
)

// CopyToRemote copies an asset or archive to a remote host over SFTP
// (command:remote:CopyToRemote). Destroying it leaves the remote copy in place,
// as upstream does.
type CopyToRemote struct{}

// Annotate describes the resource in the schema.
func (c *CopyToRemote) Annotate(a infer.Annotator) {
	a.Describe(&c, "Copy an Asset or Archive to a remote host.")
}

// CopyToRemoteArgs are the inputs of a CopyToRemote.
type CopyToRemoteArgs struct {
	Connection Connection           `pulumi:"connection" provider:"secret"`
	Triggers   []any                `pulumi:"triggers,optional" provider:"replaceOnChanges"`
	Source     types.AssetOrArchive `pulumi:"source"`
	RemotePath string               `pulumi:"remotePath"`
}

// Annotate describes the inputs in the schema.
func (c *CopyToRemoteArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.Connection, "The parameters with which to connect to the remote host.")
	a.Describe(&c.Triggers, "Trigger replacements on changes to this input.")
	a.Describe(&c.Source, "A FileAsset, StringAsset or FileArchive to upload. "+
		"Archives are copied as they are (not unpacked); directories are copied recursively.")
	a.Describe(&c.RemotePath, "The destination path on the remote host. Missing parent directories are created. "+
		"When it is an existing directory, the source is copied into it.")
}

// CopyToRemoteState is the state of a CopyToRemote: its inputs.
type CopyToRemoteState struct {
	CopyToRemoteArgs
}

// Check adds to the default checks that the source is a kind that can be copied.
func (*CopyToRemote) Check(
	ctx context.Context, req infer.CheckRequest,
) (infer.CheckResponse[CopyToRemoteArgs], error) {
	args, failures, err := infer.DefaultCheck[CopyToRemoteArgs](ctx, req.NewInputs)
	if err != nil || len(failures) > 0 {
		return infer.CheckResponse[CopyToRemoteArgs]{Inputs: args, Failures: failures}, err
	}
	if v, ok := req.NewInputs.GetOk("source"); ok && !v.IsComputed() {
		if reason := sourceProblem(args.Source); reason != "" {
			failures = append(failures, p.CheckFailure{Property: "source", Reason: reason})
		}
	}
	if v, ok := req.NewInputs.GetOk("remotePath"); ok && !v.IsComputed() && args.RemotePath == "" {
		failures = append(failures, p.CheckFailure{Property: "remotePath", Reason: "remotePath must not be empty"})
	}
	return infer.CheckResponse[CopyToRemoteArgs]{Inputs: args, Failures: failures}, nil
}

func sourceProblem(s types.AssetOrArchive) string {
	switch {
	case s.Asset != nil && s.Archive != nil:
		return "source must be one asset or one archive, not both"
	case s.Asset != nil && s.Asset.IsURI():
		return fmt.Sprintf("source asset %q is a remote URI; use a FileAsset or StringAsset", s.Asset.URI)
	case s.Archive != nil && !s.Archive.IsPath():
		return "source archive must be a FileArchive (a path to a directory or an archive file)"
	case s.Asset == nil && s.Archive == nil:
		return "source must be a FileAsset, StringAsset or FileArchive"
	}
	return ""
}

// Create copies the source.
func (*CopyToRemote) Create(
	ctx context.Context, req infer.CreateRequest[CopyToRemoteArgs],
) (infer.CreateResponse[CopyToRemoteState], error) {
	id, err := resource.NewUniqueHex(req.Name, 8, 0)
	if err != nil {
		return infer.CreateResponse[CopyToRemoteState]{}, err
	}
	if !req.DryRun {
		if err := req.Inputs.copy(ctx); err != nil {
			return infer.CreateResponse[CopyToRemoteState]{}, err
		}
	}
	return infer.CreateResponse[CopyToRemoteState]{ID: id, Output: CopyToRemoteState{req.Inputs}}, nil
}

// Update copies again when the source or the remote path changed; a change of
// connection alone copies nothing, as upstream.
func (*CopyToRemote) Update(
	ctx context.Context, req infer.UpdateRequest[CopyToRemoteArgs, CopyToRemoteState],
) (infer.UpdateResponse[CopyToRemoteState], error) {
	news, olds := req.Inputs, req.State.CopyToRemoteArgs
	changed := news.RemotePath != olds.RemotePath || !sameSource(news.Source, olds.Source)
	if !req.DryRun && changed {
		if err := news.copy(ctx); err != nil {
			return infer.UpdateResponse[CopyToRemoteState]{}, err
		}
	}
	return infer.UpdateResponse[CopyToRemoteState]{Output: CopyToRemoteState{news}}, nil
}

func sameSource(a, b types.AssetOrArchive) bool {
	switch {
	case a.Asset != nil && b.Asset != nil:
		return a.Asset.Equals(b.Asset)
	case a.Archive != nil && b.Archive != nil:
		return a.Archive.Equals(b.Archive)
	}
	return false
}

func (a CopyToRemoteArgs) copy(ctx context.Context) error {
	client, err := dial(ctx, a.Connection)
	if err != nil {
		return err
	}
	defer client.Close()
	sc, err := sftp.NewClient(client.Client)
	if err != nil {
		return fmt.Errorf("starting sftp on %s: %w", client.RemoteAddr(), err)
	}
	defer sc.Close()

	switch src := a.Source; {
	case src.Asset != nil && src.Asset.IsPath():
		return sftpcopy.CopyPath(sc, src.Asset.Path, a.RemotePath)
	case src.Asset != nil:
		return sftpcopy.WriteFile(sc, []byte(src.Asset.Text), a.RemotePath)
	default:
		return sftpcopy.CopyPath(sc, src.Archive.Path, a.RemotePath)
	}
}

// dial connects with conn, reporting retried dials as status messages.
func dial(ctx context.Context, conn Connection) (*sshconn.Client, error) {
	log, red := p.GetLogger(ctx), redact.FromContext(ctx)
	target, bastion := conn.endpoints()
	return sshconn.Dial(ctx, target, bastion, func(msg string) { log.InfoStatus(red.String(msg)) })
}
