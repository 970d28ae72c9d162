#!/usr/bin/env bash
# Builds the Pulumi resource plugin for the "random" package into
# <repo>/.tools/plugins/pulumi-resource-random (override with OUT=path).
#
# 1. Builds pulumi-tfgen-random and regenerates the Pulumi schema and bridge
#    metadata. Both are committed in cmd/pulumi-resource-random/ (generation
#    is deterministic); they are rewritten only when the content changes, so a
#    changed file after a build means the pins or the mapping changed.
# 2. Builds the plugin, which embeds both files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${OUT:-$repo/.tools/plugins/pulumi-resource-random}
go=${GO:-go}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"

"$go" build -o "$work/pulumi-tfgen-random" ./cmd/pulumi-tfgen-random
"$work/pulumi-tfgen-random" schema --out "$work/gen" --skip-docs --skip-examples >"$work/tfgen.log" 2>&1 ||
	{ cat "$work/tfgen.log" >&2; echo "build.sh: schema generation failed" >&2; exit 1; }

for f in schema.json bridge-metadata.json; do
	if ! cmp -s "$work/gen/$f" "cmd/pulumi-resource-random/$f"; then
		cp "$work/gen/$f" "cmd/pulumi-resource-random/$f"
		echo "build.sh: regenerated tools/random/cmd/pulumi-resource-random/$f"
	fi
done

mkdir -p "$(dirname "$out")"
# Build next to the target and rename, so a running plugin is never overwritten.
"$go" build -ldflags "-s -w" -o "$out.tmp" ./cmd/pulumi-resource-random
mv -f "$out.tmp" "$out"
echo "build.sh: built $out ($("$out" --version))"
