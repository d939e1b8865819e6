#!/bin/sh
# Quick start: install what building cfngen needs, build it, and run the
# main job offline: the arm64 layer zip, the example function zip, their
# CloudFormation templates (each stack's and the combined one) and
# manifest.json, in ./cfngen.out, from a Deno taken from the npm registry.
# No AWS account, no Python. One line per phase on stderr.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
say() { printf 'quickstart: %s\n' "$*" >&2; }
deno=v2.9.5

sh scripts/install-deps.sh --build
say "building cfngen in build/"
cfngen=$(sh scripts/build.sh)
say "fetching Deno ${deno#v} (arm64) from the npm registry"
deps=$(sh tests/deps.sh --only "${deno#v}" aarch64)
zip=$deps/$deno/deno-aarch64-unknown-linux-gnu.zip
say "building the layer, the example function and the templates in cfngen.out/"
# The templates of both stacks land in cfngen.out with the artifacts; the
# combined template goes there too rather than to the terminal.
mkdir -p cfngen.out
"$cfngen" template -q --offline --arch arm64 --deno "$deno" --deno-zip "$zip" \
	--create-example --out-dir cfngen.out -o cfngen.out/all.template.yaml
say "wrote:"
for f in cfngen.out/*; do
	printf '  %-48s %10s bytes\n' "$f" "$(wc -c <"$f")" >&2
done
say "next: ./build/cfngen --help, man ./cfngen.1, or put cfngen on PATH with (cd build && make install)"
