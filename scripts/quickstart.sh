#!/bin/sh
# Quick start: install what is needed, build cfngen, and run the main job
# offline: the arm64 layer zip, the example function zip and their
# CloudFormation templates, from a Deno obtained from the npm registry.
# Output lands in ./cfngen.out. No AWS account needed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/install-deps.sh
cfngen=$(sh scripts/build.sh)
deps=$(sh tests/deps.sh)
zip=$deps/v2.9.5/deno-aarch64-unknown-linux-gnu.zip
"$cfngen" build --arch arm64 --deno v2.9.5 --deno-zip "$zip" \
	--create-example --out-dir cfngen.out
"$cfngen" template --offline --arch arm64 --deno v2.9.5 --deno-zip "$zip" \
	--create-example --out-dir cfngen.out
ls -l cfngen.out
