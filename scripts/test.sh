#!/bin/sh
# The whole test suite: installs the test tools (scripts/install-deps.sh
# --test), then the normal build's `make check`, the same suite under
# AddressSanitizer and UndefinedBehaviorSanitizer, `make distcheck`,
# valgrind over the offline CLI cases, a short fuzzing run of every parser,
# and the Quick start on a Debian 12 made from nothing (tests/fresh.sh).
# Ends with one line: "N passed, N failed, N skipped". What did not run (a
# test file that bailed out, a stage that failed before its tests) is named
# above that line and counted as failed checks, one per check it did not run
# as far as an earlier complete run knows.
#
# CFNGEN_TEST_STAGES limits the stages (default: "check asan distcheck
# valgrind fuzz fresh"). PYTHON3 picks the Python with moto and cfn-lint
# (default: what install-deps.sh --test finds or makes); every build dir is
# configured with it, and reconfigured when its configuration differs.
set -u
top=$(cd "$(dirname "$0")/.." && pwd) || exit 1
cd "$top" || exit 1
stages=${CFNGEN_TEST_STAGES:-check asan distcheck valgrind fuzz fresh}
jobs=$(nproc 2>/dev/null || echo 2)
pass=0 fail=0 skip=0
notrun=
: "${CFNGEN_TEST_DEPS:=${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps}"
export CFNGEN_TEST_DEPS
# Checks per test file in its last complete run: how many a bail-out skipped.
plans=$CFNGEN_TEST_DEPS/plans

log() { printf '== %s\n' "$*" >&2; }

# give_up [WHY]: nothing can run.
give_up() {
	[ $# = 0 ] || printf '%s\n' "$*" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

# not_run WHAT COUNT: COUNT checks of WHAT did not run; they count as failed.
not_run() {
	notrun="$notrun
  $1"
	fail=$((fail + $2))
}

# planned TEST: the checks TEST had in its last complete run (0 if unknown).
planned() {
	[ -f "$plans" ] && awk -v t="$1" '$1 == t { n = $2 } END { print n + 0 }' "$plans" ||
		echo 0
}

# count STAGE DIR: add DIR's test-suite.log summary to the totals; record the
# plan of every test file that completed; name and count what bailed out.
count() {
	st=$1 d=$2
	if [ ! -f "$d/test-suite.log" ]; then
		n=$(awk '{ s += $2 } END { print s + 0 }' "$plans" 2>/dev/null)
		[ "$n" -gt 0 ] || n=1
		not_run "$st: the suite did not run (no $d/test-suite.log)" "$n"
		return
	fi
	p=$(sed -n 's/^# PASS: *//p' "$d/test-suite.log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$d/test-suite.log" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$d/test-suite.log" | head -1)
	xp=$(sed -n 's/^# XPASS: *//p' "$d/test-suite.log" | head -1)
	s=$(sed -n 's/^# SKIP: *//p' "$d/test-suite.log" | head -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0} + ${e:-0} + ${xp:-0}))
	skip=$((skip + ${s:-0}))
	[ "${f:-0}${e:-0}" = 00 ] || grep -E '^(FAIL|ERROR)' "$d/test-suite.log" >&2
	mkdir -p "$CFNGEN_TEST_DEPS"
	for l in "$d"/tests/*.log; do
		[ -f "$l" ] || continue
		t=${l#"$d"/}
		t=${t%.log}
		ran=$(grep -c -E '^(not )?ok ' "$l")
		if grep -q '^Bail out!' "$l"; then
			want=$(planned "$t")
			miss=$((want > ran ? want - ran : 0))
			not_run "$st: $t stopped after $ran checks, $miss more not run: $(grep -m1 '^Bail out!' "$l")" "$miss"
		elif grep -q -E '^1\.\.[0-9]+' "$l"; then
			{
				grep -v "^$t " "$plans" 2>/dev/null
				echo "$t $ran"
			} >"$plans.$$" && mv -f "$plans.$$" "$plans"
		fi
	done
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

# configured DIR ARGS...: DIR is a build dir configured with exactly ARGS
# (as config.status records them); (re)configure and clean it when not.
configured() {
	d=$1
	shift
	mkdir -p "$d" || return 1
	if [ -f "$d/Makefile" ]; then
		had=$(cd "$d" && ./config.status --config 2>/dev/null)
		[ "$had" = "$*" ] && return 0
		log "$d: configured with [$had], reconfiguring with [$*]"
	fi
	(cd "$d" && ../configure -q "$@" && make -s clean >/dev/null)
}

# check STAGE DIR ARGS...: build in DIR configured with ARGS, run make check.
check() {
	st=$1 d=$2
	shift 2
	configured "$d" "$@" PYTHON3="$PYTHON3" &&
		(cd "$d" && make -s -j"$jobs" >/dev/null) || {
		log "$st: the build failed"
		count "$st" /nonexistent
		return
	}
	(cd "$d" && make -s -j"$jobs" check >/dev/null 2>&1)
	count "$st" "$d"
}

# install-deps.sh says why when it fails.
PYTHON3=$(sh scripts/install-deps.sh --test) || give_up
export PYTHON3
log "Python for the tests: $PYTHON3"
# autoreconf's warnings are shown, and there must be none.
if ! { [ -x configure ] && [ configure -nt configure.ac ]; }; then
	autoreconf -fi -Wall 2>autoreconf.log ||
		give_up "autoreconf failed (apt-get install autoconf automake pkg-config): $(cat autoreconf.log)"
	# A clean clone lacks build-aux/: automake's "installing '...'" notes
	# about copying its helpers there are not warnings.
	grep -v ": installing '" autoreconf.log >autoreconf.warn || :
	if [ -s autoreconf.warn ]; then
		cat autoreconf.warn >&2
		give_up "autoreconf warned (above); fix configure.ac or mk/*.am"
	fi
	rm -f autoreconf.log autoreconf.warn
fi
sh tests/deps.sh >/dev/null || fail=$((fail + 1))

# The fresh stage mostly waits for the network and dpkg: it runs beside the
# others from the start, and its result is taken in its turn.
fresh_pid=
fresh_log=
case " $stages " in
*" fresh "*)
	fresh_log=$(mktemp "${TMPDIR:-/tmp}/cfngen-fresh.XXXXXX")
	sh tests/fresh.sh >"$fresh_log" 2>&1 &
	fresh_pid=$!
	log "fresh: started beside the other stages (tests/fresh.sh)"
	;;
esac
trap '[ -z "$fresh_pid" ] || kill "$fresh_pid" 2>/dev/null; rm -f "$fresh_log"' EXIT
trap 'exit 1' INT TERM HUP

for st in $stages; do
	case $st in
	check)
		log "make check"
		check check build --enable-werror
		;;
	asan)
		log "make check under ASan+UBSan"
		check asan build-san --enable-werror --enable-asan --enable-ubsan CC=gcc
		;;
	distcheck)
		log "make distcheck"
		if configured build --enable-werror PYTHON3="$PYTHON3" &&
			(cd build && make -s -j"$jobs" distcheck \
				DISTCHECK_CONFIGURE_FLAGS="PYTHON3=$PYTHON3" >distcheck.log 2>&1); then
			pass=$((pass + 1))
			log "distcheck: ok"
		else
			tail -40 build/distcheck.log >&2
			log "distcheck: FAILED"
			# Its inner suite's results when it got that far; the rest did not run.
			inner=$(ls -d build/cfngen-*/_build/sub 2>/dev/null | head -1)
			if [ -n "$inner" ] && [ -f "$inner/test-suite.log" ]; then
				count distcheck "$inner"
			else
				count distcheck /nonexistent
			fi
		fi
		;;
	valgrind)
		log "valgrind over the offline CLI cases"
		stage valgrind sh tests/valgrind.sh build
		;;
	fuzz)
		log "fuzzing each parser briefly"
		stage fuzz sh tests/fuzz/run.sh "${CFNGEN_FUZZ_SECONDS:-20}"
		;;
	fresh)
		log "the Quick start on a fresh Debian 12 (debootstrap)"
		wait "$fresh_pid"
		rc=$?
		fresh_pid=
		cat "$fresh_log" >&2
		stage fresh [ "$rc" = 0 ]
		;;
	*)
		log "unknown stage $st"
		fail=$((fail + 1))
		;;
	esac
done
[ -z "$notrun" ] || log "NOT RUN (counted as failed):$notrun"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
