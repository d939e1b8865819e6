#!/bin/sh
# Installs the real Deno binaries the tests (and the Quick start) use, from
# the npm registry, and packs each into a release-style zip beside its
# .sha256sum, laid out as the Deno release site is (<dir>/<version>/<asset>),
# so the same tree serves as --deno-zip input and as a loopback mirror.
#
# The package tarball comes with curl and is checked against the sha512
# integrity the registry publishes for it, as npm would; no Node.js needed.
# Runs sharing DIR may overlap: each works in its own temporary directory
# and moves finished files into place with rename, the .sha256sum last.
#
# usage: tests/deps.sh [--only VERSION ARCH] [DIR]
#   DIR defaults to $CFNGEN_TEST_DEPS, else
#   ${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps; --only fetches just
#   that one (e.g. --only 2.9.5 aarch64), as the Quick start does.
# Prints nothing on success but the directory; idempotent and quick when warm.
# CFNGEN_NPM_REGISTRY overrides the registry (https://registry.npmjs.org).
set -eu

only=
if [ "${1:-}" = --only ]; then
	only="${2:?--only VERSION ARCH} ${3:?--only VERSION ARCH}"
	shift 3
fi
dir=${1:-${CFNGEN_TEST_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps}}
registry=${CFNGEN_NPM_REGISTRY:-https://registry.npmjs.org}
mkdir -p "$dir"
work=
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "tests/deps.sh: $*" >&2
	exit 1
}

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
	[ -z "$only" ] || [ "$only" = "$ver $arch" ] || continue
	only_found=1
	asset="deno-$arch-unknown-linux-gnu.zip"
	[ -s "$out/$asset.sha256sum" ] && [ -s "$out/$asset" ] && [ -x "$out/$arch/deno" ] && continue
	for tool in curl zip sha512sum base64 od; do
		command -v "$tool" >/dev/null 2>&1 ||
			fail "$tool not found (apt-get install curl zip coreutils)"
	done
	work=$(mktemp -d "$dir/.work.XXXXXX")
	curl -fsSL --retry 3 -o "$work/meta.json" "$registry/$pkg/$ver" 2>"$work/err" ||
		fail "$registry/$pkg/$ver: $(cat "$work/err")"
	url=$(sed -n 's/.*"tarball" *: *"\([^"]*\)".*/\1/p' "$work/meta.json")
	sri=$(sed -n 's/.*"integrity" *: *"sha512-\([^"]*\)".*/\1/p' "$work/meta.json")
	[ -n "$url" ] && [ -n "$sri" ] ||
		fail "$registry/$pkg/$ver: no dist.tarball or sha512 dist.integrity in the answer"
	curl -fsSL --retry 3 -o "$work/pkg.tgz" "$url" 2>"$work/err" ||
		fail "$url: $(cat "$work/err")"
	want=$(printf '%s' "$sri" | base64 -d | od -An -v -tx1 | tr -d ' \n')
	got=$(sha512sum "$work/pkg.tgz" | cut -d' ' -f1)
	[ "$got" = "$want" ] ||
		fail "$url: sha512 $got, but the registry publishes $want"
	tar -xzf "$work/pkg.tgz" -C "$work" package/deno ||
		fail "$url: no package/deno inside"
	chmod 0755 "$work/package/deno"
	# Deno's release zips hold a single 'deno' entry, deflated. The
	# tarball's fixed mtime makes this zip the same on every machine.
	(cd "$work/package" && zip -q -X "$work/$asset" deno)
	(cd "$work" && sha256sum "$asset" >"$asset.sha256sum")
	mkdir -p "$out/$arch"
	mv -f "$work/package/deno" "$out/$arch/deno"
	mv -f "$work/$asset" "$out/$asset"
	mv -f "$work/$asset.sha256sum" "$out/$asset.sha256sum"
	rm -rf "$work"
	work=
done
[ -z "$only" ] || [ -n "${only_found:-}" ] || fail "--only $only: not a Deno the tests use"
echo "$dir"
