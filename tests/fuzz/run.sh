#!/bin/sh
# run.sh [SECONDS]: builds the libFuzzer targets in ./build-fuzz (clang) and
# runs each for SECONDS (default 30). Used by scripts/test.sh.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-30}
command -v clang >/dev/null 2>&1 || {
	echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
}
mkdir -p "$top/build-fuzz"
cd "$top/build-fuzz"
[ -f Makefile ] || "$top/configure" -q --enable-fuzzing CC=clang
make -s -j"$(nproc)" >/dev/null
make -s fuzz FUZZ_SECONDS="$secs"
