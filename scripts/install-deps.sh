#!/bin/sh
# Installs what building and testing cfngen needs on Debian 12 (as root, or
# with sudo). Idempotent.
set -eu
pkgs="build-essential autoconf automake pkg-config
	libyaml-dev libcjson-dev libzip-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
	libisal-dev
	zip unzip ca-certificates python3
	awscli qemu-user libc6-arm64-cross libgcc-s1-arm64-cross
	clang libclang-rt-14-dev valgrind hyperfine shellcheck dash time"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# npm fetches the test's Deno binaries. A Node.js from elsewhere (e.g.
# NodeSource) ships its own npm and conflicts with Debian's npm package,
# so only an absent npm is installed.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# moto (S3/STS/CloudFormation emulator) and cfn-lint come from Python.
if ! python3 -c 'import moto, cfnlint' 2>/dev/null; then
	python3 -m pip install --quiet 'moto[server]' cfn-lint || {
		echo "install-deps: python3 needs moto[server] and cfn-lint (pip install 'moto[server]' cfn-lint)" >&2
		exit 1
	}
fi
