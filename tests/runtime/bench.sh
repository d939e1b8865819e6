#!/bin/sh
# The runtime's benchmark, for Deno 2.9.5 on x86_64 (tests/runtime/bench.py):
# invocations per second through the shim against a bare Deno fetch loop;
# exec of bootstrap to the first /next against `deno run` of an empty script,
# for the example and for a function with an npm dependency in node_modules/;
# the bundled shim.ts against the modules as files; concurrency 4 against 1.
# Prints BENCH rows for tests/bench/report.sh; asserts nothing.
set -u
: "${top_srcdir:?run through make bench}"
: "${CFNGEN:?run through make bench}"
: "${PYTHON3:=python3}"
deps=$(sh "$top_srcdir/tests/deps.sh") || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/cfngen-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
"$CFNGEN" build --arch x86_64 --deno v2.9.5 \
	--deno-zip "$deps/v2.9.5/deno-x86_64-unknown-linux-gnu.zip" --out-dir "$T/out" >&2 || exit 1
zip=$("$PYTHON3" -c 'import json, sys
print([a["path"] for a in json.load(open(sys.argv[1]))["artifacts"] if a["name"] == "layer"][0])' "$T/out/manifest.json") || exit 1
unzip -q "$T/out/$zip" -d "$T/layer" || exit 1
"$PYTHON3" -B "$top_srcdir/tests/runtime/bench.py" "$T/layer" "$T" "$top_srcdir" "$deps"
