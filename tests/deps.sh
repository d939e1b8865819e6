#!/bin/sh
# Installs the real Deno binaries the tests use, from the npm registry, and
# packs each into a release-style zip beside its .sha256sum, laid out as the
# Deno release site is (<dir>/<version>/<asset>), so the same tree serves as
# --deno-zip input and as a loopback mirror.
#
# usage: tests/deps.sh [DIR]      (default: $CFNGEN_TEST_DEPS, else
#                                   ${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps)
# Prints nothing on success but the directory; idempotent and quick when warm.
set -eu

dir=${1:-${CFNGEN_TEST_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps}}
mkdir -p "$dir"

# version npm-package asset-arch
set -- \
	"2.9.5 @deno/linux-x64-glibc x86_64" \
	"2.9.5 @deno/linux-arm64-glibc aarch64" \
	"1.46.3 @deno/linux-x64-glibc x86_64"

for spec in "$@"; do
	# shellcheck disable=SC2086
	set -- $spec
	ver=$1 pkg=$2 arch=$3
	out="$dir/v$ver"
	asset="deno-$arch-unknown-linux-gnu.zip"
	[ -s "$out/$asset.sha256sum" ] && [ -x "$out/$arch/deno" ] && continue
	for tool in npm zip sha256sum; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "tests/deps.sh: $tool not found (apt-get install nodejs npm zip coreutils)" >&2
			exit 1
		}
	done
	work=$(mktemp -d "$dir/.work.XXXXXX")
	# --force: npm refuses the arm64 package on x86_64 hosts otherwise.
	if ! npm install --force --no-save --no-audit --no-fund --loglevel=error \
		--prefix "$work" "$pkg@$ver" >"$work/npm.log" 2>&1; then
		cat "$work/npm.log" >&2
		echo "tests/deps.sh: npm install $pkg@$ver failed" >&2
		rm -rf "$work"
		exit 1
	fi
	mkdir -p "$out/$arch"
	cp "$work/node_modules/$pkg/deno" "$out/$arch/deno.tmp"
	chmod 0755 "$out/$arch/deno.tmp"
	mv "$out/$arch/deno.tmp" "$out/$arch/deno"
	# Deno's release zips hold a single 'deno' entry, deflated.
	(cd "$out/$arch" && rm -f "$work/$asset" && zip -q -X "$work/$asset" deno)
	(cd "$work" && sha256sum "$asset" >"$asset.sha256sum")
	mv "$work/$asset" "$out/$asset"
	mv "$work/$asset.sha256sum" "$out/$asset.sha256sum"
	rm -rf "$work"
done
echo "$dir"
