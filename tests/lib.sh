# Shared helpers for the shell tests; source it. Tests print TAP:
# one "ok N - what" or "not ok N - what" per check, and the plan at the end.
#
# Environment from the harness (Makefile.am): top_srcdir, top_builddir,
# CFNGEN (the binary under test), PYTHON3, CFNGEN_TEST_DEPS (optional).

: "${top_srcdir:?run through make check}"
: "${CFNGEN:?run through make check}"
: "${PYTHON3:=python3}"

tap_n=0
tap_failed=0

# tap_ok DESC / tap_not_ok DESC [DIAGNOSTIC...]
tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /'
	done
}

# tap_check DESC COMMAND...: ok when COMMAND succeeds; its output is shown
# as a diagnostic when it fails.
tap_check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_not_ok "$desc" "command: $*" "$out"
	fi
}

# tap_is DESC GOT EXPECTED
tap_is() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "got:      $2" "expected: $3"
	fi
}

# Print the plan; call last. Exit status tells the driver nothing (TAP does).
tap_done() {
	echo "1..$tap_n"
	exit 0
}

# tap_bail MESSAGE: stop the whole script as failed.
tap_bail() {
	echo "Bail out! $*"
	exit 1
}

# need TOOL PACKAGE...: a missing tool is a failure that says what to
# install, never a silent skip. Returns 1 when missing.
need() {
	tool=$1
	shift
	if command -v "$tool" >/dev/null 2>&1; then
		return 0
	fi
	tap_not_ok "$tool is available" "$tool not found: apt-get install $*"
	return 1
}

# need_python MODULE: $PYTHON3 (the one Python the tests use, chosen by
# configure or scripts/test.sh) can import MODULE, else a failed check
# saying how to get moto and cfn-lint. Returns 1 when it cannot.
need_python() {
	"$PYTHON3" -c "import $1" 2>/dev/null && return 0
	tap_not_ok "$PYTHON3 has $1" "$PYTHON3 cannot import $1:" \
	    "sh scripts/install-deps.sh --test makes a Python with moto and cfn-lint" \
	    "(pip install 'moto[server]' cfn-lint into a venv); configure with PYTHON3=its python3"
	return 1
}

# The Python tools run by $PYTHON3 itself, never found on PATH.
# moto_server is only ever started in the background (moto_server ... &):
# it execs, so $! is the server itself and test_cleanup's kill stops it
# (a shell left between them would be killed and leave the server behind).
moto_server() {
	exec "$PYTHON3" -m moto.server "$@"
}
# The benchmarks against moto: checks /usr/bin/aws, /usr/bin/time and
# moto, clears the AWS environment (test keys, AWS_REGION=$1 when given,
# HOME and the cache in $T), starts moto_server on a free port; URL is its
# address. Exits 1 with a message when something is missing.
bench_moto() {
	for tool in /usr/bin/aws /usr/bin/time; do
		command -v "$tool" >/dev/null || {
			echo "$tool not found (apt-get install awscli time)" >&2
			exit 1
		}
	done
	"$PYTHON3" -c 'import moto.server' 2>/dev/null || {
		echo "$PYTHON3 has no moto: sh scripts/install-deps.sh --test, then PYTHON3=the Python it prints" >&2
		exit 1
	}
	for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do
		unset "$v"
	done
	HOME=$T/home
	CFNGEN_CACHE_DIR=$T/cache
	AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
	AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
	AWS_EC2_METADATA_DISABLED=true
	export HOME CFNGEN_CACHE_DIR AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
	    AWS_EC2_METADATA_DISABLED
	if [ $# -gt 0 ]; then
		AWS_REGION=$1
		export AWS_REGION
	fi
	mkdir -p "$HOME"

	PORT=$(free_port)
	moto_server -H 127.0.0.1 -p "$PORT" >"$T/moto.log" 2>&1 &
	test_bg_pid $!
	wait_port "$PORT" 60 || { echo "moto_server did not start" >&2; exit 1; }
	URL=http://127.0.0.1:$PORT
}
# The x86_64 layer zip of the test Deno, for the upload benchmarks to send
# with the AWS CLI too: ZIP (in $T), SIZE in bytes, and KEY, its S3 key.
bench_layer_zip() {
	ZIP=$T/layer.zip
	"$CFNGEN" -q build --arch x86_64 --deno-zip "$DENO_X64_ZIP" \
	    --out-dir "$T/b" || exit 1
	mv "$T"/b/*.zip "$ZIP"
	SIZE=$(wc -c <"$ZIP" | tr -d ' ')
	KEY=$(sha256sum "$ZIP" | cut -d' ' -f1).zip
}
cfn_lint() {
	"$PYTHON3" -c 'import sys; sys.argv[0] = "cfn-lint"; from cfnlint.runner import main; sys.exit(main())' "$@"
}

# A private temporary directory, removed on exit; sets $T.
test_tmpdir() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/cfngen-test.XXXXXX")
	trap 'test_cleanup' EXIT
	trap 'exit 1' INT TERM HUP
}

# Background processes to stop on exit: add PIDs with test_bg_pid.
test_bg_pids=
test_bg_pid() {
	test_bg_pids="$test_bg_pids $1"
}

test_cleanup() {
	for p in $test_bg_pids; do
		kill "$p" 2>/dev/null || :
	done
	for p in $test_bg_pids; do
		wait "$p" 2>/dev/null || :
	done
	[ -n "${T:-}" ] && rm -rf "$T"
}

# The real Deno binaries and release-style zips (tests/deps.sh); sets DEPS.
test_deps() {
	if ! DEPS=$("$top_srcdir/tests/deps.sh" 2>"${T:-/tmp}/deps.err"); then
		cat "${T:-/tmp}/deps.err" >&2
		tap_bail "tests/deps.sh failed: $(tail -1 "${T:-/tmp}/deps.err")"
	fi
	DENO_X64_ZIP=$DEPS/v2.9.5/deno-x86_64-unknown-linux-gnu.zip
	DENO_ARM64_ZIP=$DEPS/v2.9.5/deno-aarch64-unknown-linux-gnu.zip
	DENO1_X64_ZIP=$DEPS/v1.46.3/deno-x86_64-unknown-linux-gnu.zip
	DENO_X64_BIN=$DEPS/v2.9.5/x86_64/deno
	DENO_ARM64_BIN=$DEPS/v2.9.5/aarch64/deno
	DENO1_X64_BIN=$DEPS/v1.46.3/x86_64/deno
}

# A free TCP port on 127.0.0.1.
free_port() {
	"$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
	"$PYTHON3" - "$1" "${2:-20}" <<'PY'
import socket, sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
end = time.time() + limit
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# Files left behind by a failed run: temporary outputs of outfile.c.
leftovers() {
	find "$1" -name '.*.tmp.*' 2>/dev/null
}

# fault_shim: finds (or builds) tests/fault/faultinject.c and sets FAULT_SHIM
# to the library for LD_PRELOAD (and lets ASan builds accept it). Returns
# 1, after a failed check naming what to install, when it cannot.
fault_shim() {
	# An ASan runtime would otherwise insist on coming first.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	export ASAN_OPTIONS
	# make check builds it (mk/core.am); by hand, it is built here.
	FAULT_SHIM=${top_builddir:-.}/tests/fault/faultinject.so
	[ -f "$FAULT_SHIM" ] && return 0
	FAULT_SHIM=$T/faultinject.so
	[ -f "$FAULT_SHIM" ] && return 0
	need cc gcc || return 1
	if ! cc -shared -fPIC -o "$FAULT_SHIM" \
	    "$top_srcdir/tests/fault/faultinject.c" -ldl 2>"$T/faultinject.err"; then
		tap_not_ok "the fault-injection shim builds" "$(cat "$T/faultinject.err")"
		return 1
	fi
}

# For the benchmarks: a wall-clock reading in seconds, floating-point
# arithmetic, and the median of the numbers in a file (one per line).
now() {
	date +%s.%N
}

calc() {
	awk "BEGIN { print $1 }"
}

median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
