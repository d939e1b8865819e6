#!/bin/sh
# The whole test suite: the normal build's `make check`, the same suite
# under AddressSanitizer and UndefinedBehaviorSanitizer, `make distcheck`,
# valgrind over the offline CLI cases, and a short fuzzing run of every
# parser. Ends with one line: "N passed, N failed, N skipped".
#
# CFNGEN_TEST_STAGES limits the stages (default: "check asan distcheck
# valgrind fuzz").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
stages=${CFNGEN_TEST_STAGES:-check asan distcheck valgrind fuzz}
jobs=$(nproc 2>/dev/null || echo 2)
pass=0 fail=0 skip=0
: "${CFNGEN_TEST_DEPS:=${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps}"
export CFNGEN_TEST_DEPS

log() { printf '== %s\n' "$*" >&2; }

# count LOG: add an automake test-suite.log summary to the totals.
count() {
	if [ ! -f "$1" ]; then
		fail=$((fail + 1))
		return
	fi
	p=$(sed -n 's/^# PASS: *//p' "$1" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$1" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$1" | head -1)
	xp=$(sed -n 's/^# XPASS: *//p' "$1" | head -1)
	s=$(sed -n 's/^# SKIP: *//p' "$1" | head -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0} + ${e:-0} + ${xp:-0}))
	skip=$((skip + ${s:-0}))
	[ "${f:-0}${e:-0}" = 00 ] || grep -E '^(FAIL|ERROR)' "$1" >&2
}

# stage NAME COMMAND...: one pass or fail for a whole step.
stage() {
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		log "$name: ok"
	else
		fail=$((fail + 1))
		log "$name: FAILED"
	fi
}

[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null 2>&1 || {
	echo "autoreconf failed (apt-get install autoconf automake pkg-config)" >&2
	echo "0 passed, 1 failed"
	exit 1
}
sh tests/deps.sh >/dev/null || fail=$((fail + 1))

for st in $stages; do
	case $st in
	check)
		log "make check"
		mkdir -p build && (cd build && { [ -f Makefile ] || ../configure -q --enable-werror; } &&
			make -s -j"$jobs" && make -s -j"$jobs" check >/dev/null 2>&1)
		count build/test-suite.log
		;;
	asan)
		log "make check under ASan+UBSan"
		mkdir -p build-san && (cd build-san && { [ -f Makefile ] ||
			../configure -q --enable-werror --enable-asan --enable-ubsan CC=gcc; } &&
			make -s -j"$jobs" && make -s -j"$jobs" check >/dev/null 2>&1)
		count build-san/test-suite.log
		;;
	distcheck)
		log "make distcheck"
		stage distcheck sh -c 'cd build && make -s -j'"$jobs"' distcheck >distcheck.log 2>&1 || { tail -40 distcheck.log >&2; exit 1; }'
		;;
	valgrind)
		log "valgrind over the offline CLI cases"
		stage valgrind sh tests/valgrind.sh build
		;;
	fuzz)
		log "fuzzing each parser briefly"
		stage fuzz sh tests/fuzz/run.sh "${CFNGEN_FUZZ_SECONDS:-20}"
		;;
	*)
		log "unknown stage $st"
		fail=$((fail + 1))
		;;
	esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
