package components

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"

	"github.com/pulumi/pulumi-command/sdk/go/command/remote"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pgsvc/render"
)

// fileOps says what a file's owner does around a write.
type fileOps struct {
	// Validate runs with the new file in place; on failure the old file is put back.
	Validate string
	// OnChange runs after the file changed (a reload), with the previous file, if there was
	// one, at "$f.pgsvc-old"; OnDelete runs after the file was removed.
	OnChange string
	OnDelete string
}

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

// ownersDir records, per file path, the token of the command that wrote the file last.
const ownersDir = "/var/lib/pgsvc/owners"

// writeFile puts one rendered file on a node. The command is replaced when the content's hash
// changes: the new one writes atomically before the old one's delete runs. Each write takes
// ownership of the path with a fresh token, printed as the command's output; a delete removes
// the file only while its token still owns it, so replacing, reverting or retrying after an
// interrupted run never deletes a file that a newer command wrote.
func writeFile(ctx *pulumi.Context, name string, conn Conn, c content, ops fileOps, parent pulumi.Resource, deps []pulumi.Resource) (*remote.Command, error) {
	f := c.meta
	hash := c.text.ApplyT(sha256Hex).(pulumi.StringOutput)
	if f.Secret {
		hash = pulumi.ToSecret(hash).(pulumi.StringOutput)
	}
	head := fmt.Sprintf(`f=%s
owner=%s/$(printf '%%s' "$f" | sha256sum | cut -d' ' -f1)
`, render.ShellQuote(f.Path), ownersDir)
	create := head + fmt.Sprintf(`mkdir -p %s %s
tmp=$(mktemp "$f.pgsvc.XXXXXX")
trap 'rm -f "$tmp" "$f.pgsvc-old"' EXIT
cat > "$tmp"
chown %s:%s "$tmp"
chmod %s "$tmp"
if ! cmp -s "$tmp" "$f"; then
  if [ -e "$f" ]; then cp -p "$f" "$f.pgsvc-old"; fi
  mv "$tmp" "$f"
`, render.ShellQuote(path.Dir(f.Path)), ownersDir, f.Owner, f.Group, f.Mode)
	if ops.Validate != "" {
		create += fmt.Sprintf(`  if ! (%s); then
    if [ -e "$f.pgsvc-old" ]; then mv "$f.pgsvc-old" "$f"; else rm -f "$f"; fi
    echo "pgsvc: %s was rejected by its validation; the previous file was kept" >&2
    exit 1
  fi
`, ops.Validate, f.Path)
	}
	if ops.OnChange != "" {
		create += "  { " + ops.OnChange + "\n  } >&2\n"
	}
	create += `fi
token=$(cat /proc/sys/kernel/random/uuid)
echo "$token" > "$owner"
echo "$token"
`
	del := head + `if [ -f "$owner" ] && [ "$(cat "$owner")" = "$(printf '%s' "${PULUMI_COMMAND_STDOUT:-}")" ]; then
  rm -f "$f" "$owner"
`
	if ops.OnDelete != "" {
		del += "  " + ops.OnDelete + "\n"
	}
	del += "fi\n"
	return run(ctx, name, conn, step{
		Create:   create,
		Delete:   del,
		Stdin:    c.text,
		Triggers: pulumi.Array{hash},
	}, parent, deps)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
