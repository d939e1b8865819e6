#!/bin/sh
# Runs the data-driven CLI cases (all offline) under valgrind's memcheck:
# any invalid access, use of uninitialised memory or definite/indirect leak
# makes the run exit 99, which fails the case.
# usage: tests/valgrind.sh BUILDDIR
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: valgrind.sh BUILDDIR}" && pwd)
command -v valgrind >/dev/null 2>&1 || {
	echo "valgrind.sh: valgrind not found (apt-get install valgrind)" >&2
	exit 1
}
wrap=$(mktemp)
log=$(mktemp)
trap 'rm -f "$wrap" "$log"' EXIT
cat >"$wrap" <<EOW
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \\
	--show-leak-kinds=definite,indirect --error-exitcode=99 \\
	"$build/cfngen" "\$@"
EOW
chmod +x "$wrap"
top_srcdir=$top_srcdir CFNGEN=$wrap PYTHON3=${PYTHON3:-python3} LC_ALL=C \
	sh "$top_srcdir/tests/cli.test" >"$log" 2>&1
if grep -q '^not ok' "$log"; then
	grep -A30 '^not ok' "$log" | head -150 >&2
	exit 1
fi
echo "valgrind: $(grep -c '^ok' "$log") CLI cases clean" >&2
grep -q '^ok' "$log"
