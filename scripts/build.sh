#!/bin/sh
# Configures and builds cfngen out of tree in ./build (extra arguments go to
# configure, which runs only when build/ has no Makefile yet). Prints the
# path of the binary; the compiler's output is shown only when it fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=$(mktemp "${TMPDIR:-/tmp}/cfngen-build.XXXXXX")
trap 'rm -f "$log"' EXIT
run() {
	"$@" >"$log" 2>&1 || {
		tail -30 "$log" >&2
		echo "build: $* failed" >&2
		exit 1
	}
}
[ -x configure ] && [ configure -nt configure.ac ] || run autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] || run ../configure -q "$@"
run make -s -j"$(nproc)"
echo "$top/build/cfngen"
