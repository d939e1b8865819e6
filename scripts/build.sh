#!/bin/sh
# Configures and builds cfngen out of tree in ./build (extra arguments go to
# configure). Prints the path of the binary.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null 2>&1
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q "$@"
make -s -j"$(nproc)" >/dev/null
echo "$top/build/cfngen"
