package components

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
)

// content is a file's bytes as a Pulumi value: plain for ordinary files, secret for files that
// hold credentials.
type content struct {
	meta render.File
	text pulumi.StringOutput
}

// plainContent wraps a file rendered without secrets.
func plainContent(f render.File) content {
	return content{meta: f, text: pulumi.String(string(f.Content)).ToStringOutput()}
}

// secretContent renders a file from the generated secrets. Its metadata comes from a render
// with no secrets, which never differs in path, mode or owner.
func secretContent(sec pulumi.StringMapOutput, fn func(render.Secrets) render.File) content {
	text := sec.ApplyT(func(m map[string]string) string { return string(fn(m).Content) }).(pulumi.StringOutput)
	return content{meta: fn(render.Secrets{}), text: pulumi.ToSecret(text).(pulumi.StringOutput)}
}

// derivedContent renders a file from another output, such as a node fact.
func derivedContent[T any](in pulumi.Output, fn func(T) render.File, zero T) content {
	text := in.ApplyT(func(v T) string { return string(fn(v).Content) }).(pulumi.StringOutput)
	return content{meta: fn(zero), text: text}
}

// secretDerived renders a file that carries a secret output, such as a private key.
func secretDerived(in pulumi.StringOutput, fn func(string) render.File) content {
	c := derivedContent(in, fn, "")
	c.text = pulumi.ToSecret(c.text).(pulumi.StringOutput)
	return c
}

// writeFile puts one rendered file on a node (render.WriteFile). The command is replaced when
// the content's hash changes: the new one writes atomically before the old one's delete runs,
// which removes the file only while its token still owns it, so replacing, reverting or
// retrying after an interrupted run never deletes a file that a newer command wrote.
func writeFile(ctx *pulumi.Context, name string, conn Conn, c content, ops render.FileOps, parent pulumi.Resource, deps []pulumi.Resource) (*remote.Command, error) {
	hash := c.text.ApplyT(sha256Hex).(pulumi.StringOutput)
	if c.meta.Secret {
		hash = pulumi.ToSecret(hash).(pulumi.StringOutput)
	}
	return run(ctx, name, conn, step{
		Create:   render.WriteFile(c.meta, ops),
		Delete:   render.RemoveFile(c.meta, ops),
		Stdin:    c.text,
		Triggers: pulumi.Array{hash},
	}, parent, deps)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
