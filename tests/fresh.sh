#!/bin/sh
# The README's Quick start on a Debian 12 made from nothing, as a newcomer
# would run it: a `debootstrap bookworm` root, a clean clone of the commit
# under test (with ../shared beside it), then the Quick start's commands
# exactly as the README writes them (read from README.md, so the two cannot
# drift), as root inside the root.
#
#  - command 1 must exit 0, print a short summary (not a template), leave
#    the layer zip, the example zip, the templates (both stacks' and the
#    combined one) and manifest.json in cfngen.out, and install no Python;
#  - `cfngen --help` and `man ./cfngen.1` must work in the root;
#  - command 2 must either pass, or stop at once with the one line naming
#    the Python tools it could not install (PyPI unreachable). When it gets
#    past that, only its `check` stage runs (CFNGEN_TEST_STAGES=check).
#
# The root is cached as a tarball, and apt's downloaded packages are kept,
# so later runs download nothing but Deno; dpkg still does all its work.
# /proc, /sys and /dev are mounted here and unmounted, and the root
# removed, on any exit.
#
# usage: tests/fresh.sh              (as root; prints the figures on stderr)
# CFNGEN_FRESH_CACHE   cache directory (${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-fresh)
# CFNGEN_DEBIAN_MIRROR Debian mirror (http://deb.debian.org/debian)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CFNGEN_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cfngen-fresh}
mirror=${CFNGEN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
src=/root/src/cfngen	# where the clone lives inside the root
n=0 failed=0

say() { printf 'fresh: %s\n' "$*" >&2; }
ok() { n=$((n + 1)); say "ok $n - $*"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	say "not ok $n - $1"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/fresh:     /' >&2
	done
}
# check DESC COMMAND...
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d" "command: $*"; fi
}
die() {
	say "$*"
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, mount, chroot)"
for t in debootstrap chroot mount umount mountpoint tar git timeout; do
	command -v "$t" >/dev/null 2>&1 ||
		die "$t not found (apt-get install debootstrap git coreutils util-linux tar)"
done

# readme_cmd N: the Nth command of the Quick start's code block.
readme_cmd() {
	awk -v n="$1" '
		/^## / { qs = ($0 == "## Quick start") }
		qs && !blk && /^```sh/ { blk = 1; next }
		blk && /^```/ { exit }
		blk && NF && ++i == n { print; exit }
	' "$top/README.md"
}
cmd1=$(readme_cmd 1)
cmd2=$(readme_cmd 2)
[ -n "$cmd1" ] && [ -n "$cmd2" ] ||
	die "README.md: no Quick start code block with two commands"
[ -z "$(readme_cmd 3)" ] || die "README.md: the Quick start has more than two commands"

mkdir -p "$cache/apt-archives" || die "cannot make $cache"
root=$(mktemp -d /var/tmp/cfngen-fresh.XXXXXX) || die "mktemp failed"
T=$(mktemp -d) || die "mktemp failed"
mounts="proc sys dev dev/pts var/cache/apt/archives"
inroot_pid=
cleanup() {
	# Whatever the commands left running in the root goes first.
	[ -z "$inroot_pid" ] || kill "$inroot_pid" 2>/dev/null
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	for m in var/cache/apt/archives dev/pts dev sys proc; do
		mountpoint -q "$root/$m" 2>/dev/null || continue
		umount "$root/$m" 2>/dev/null || umount -l "$root/$m" ||
			say "cannot unmount $root/$m"
	done
	if grep -q " $root/" /proc/mounts; then
		say "$root still has mounts; left in place"
	else
		rm -rf --one-file-system "$root"
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

elapsed() { echo $(($(date +%s) - $1)); }

# --- the root: from the cached tarball, else debootstrap (and cache it) ----
tarball=$cache/bookworm-$(dpkg --print-architecture 2>/dev/null || uname -m).tar
t0=$(date +%s)
if [ -s "$tarball" ]; then
	tar -xf "$tarball" -C "$root" --numeric-owner || die "$tarball: cannot unpack"
	say "root unpacked from $tarball in $(elapsed "$t0") s"
else
	say "debootstrap bookworm from $mirror (cached afterwards in $tarball)"
	debootstrap bookworm "$root" "$mirror" >"$T/debootstrap.log" 2>&1 || {
		tail -15 "$T/debootstrap.log" >&2
		die "debootstrap failed"
	}
	tmp=$(mktemp "$cache/.root.XXXXXX") &&
		tar -C "$root" --numeric-owner -cf "$tmp" . &&
		mv -f "$tmp" "$tarball" || {
		rm -f "$tmp"
		say "warning: could not cache the root in $tarball"
	}
	say "debootstrap took $(elapsed "$t0") s"
fi
# The machine's network settings, which are not software to install: its
# resolver, and the CAs its administrator added (e.g. a TLS-inspecting
# proxy's), which ca-certificates picks up when command 1 installs it.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if [ -n "$(ls -A /usr/local/share/ca-certificates 2>/dev/null)" ]; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp -R /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
	[ ! -x "$root/usr/sbin/update-ca-certificates" ] ||
		chroot "$root" /usr/sbin/update-ca-certificates >/dev/null 2>&1
fi

# --- a clean clone of the commit, ../shared beside it ----------------------
head=$(git -C "$top" rev-parse HEAD) || die "$top: not a git checkout"
mkdir -p "$root${src%/*}"
git clone -q --no-hardlinks "$top" "$root$src" 2>"$T/git.err" &&
	git -C "$root$src" checkout -q --detach "$head" 2>>"$T/git.err" ||
	die "git clone of $top at $head failed: $(cat "$T/git.err")"
[ -d "$top/../shared" ] && cp -a "$top/../shared" "$root${src%/*}/shared"

mount -t proc proc "$root/proc" &&
	mount -t sysfs sysfs "$root/sys" &&
	mount --bind /dev "$root/dev" &&
	mount --bind /dev/pts "$root/dev/pts" &&
	mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives" ||
	die "cannot mount $mounts into $root"

# inroot [ENV=VALUE...] -- SCRIPT: run SCRIPT in the clone, as root in a
# login-like environment with nothing from ours, for at most $limit seconds.
limit=600
inroot() {
	e=
	while [ "$1" != -- ]; do
		e="$e $1"
		shift
	done
	# In the background, so that a signal to this script is handled at once
	# (the shell runs traps only between foreground commands).
	# shellcheck disable=SC2086
	timeout "$limit" chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 TERM=dumb $e /bin/sh -c "cd $src && $2" </dev/null &
	inroot_pid=$!
	wait "$inroot_pid"
}
# installed [PATTERN]: the installed packages (matching PATTERN).
installed() {
	inroot -- "dpkg-query -W -f='\${db:Status-Abbrev} \${Package}\n' ${1:+'$1'} 2>/dev/null" |
		awk '$1 == "ii" { print $2 }'
}
python_pkgs() { installed 'python*'; }
# disk_mb: the root's size, without apt's downloaded packages (a cache kept
# between runs here); debs_mb BEFORE AFTER: the size of the .debs of the
# packages in AFTER but not BEFORE (lists), which apt keeps on a machine.
disk_mb() { du -sxm --exclude=./var/cache/apt/archives "$root" | cut -f1; }
debs_mb() {
	printf '%s\n' "$1" >"$T/pk.before"
	printf '%s\n' "$2" | grep -vxF -f "$T/pk.before" | while read -r p; do
		ls "$root/var/cache/apt/archives/${p}_"*.deb 2>/dev/null | tail -1
	done | tr '\n' '\0' | du -cm --files0-from=- 2>/dev/null | tail -1 | cut -f1
}

# --- command 1 -------------------------------------------------------------
py_before=$(python_pkgs)
pk0=$(installed)
d0=$(disk_mb)
t0=$(date +%s)
say "running command 1: $cmd1"
limit=1800
inroot -- "$cmd1" >"$T/cmd1.out" 2>"$T/cmd1.err"
rc=$?
limit=600
t1=$(elapsed "$t0")
d1=$(($(disk_mb) - d0))
pk1=$(installed)
a1=$(debs_mb "$pk0" "$pk1")
sed 's/^/fresh:   | /' "$T/cmd1.out" "$T/cmd1.err" >&2
if [ "$rc" = 0 ]; then
	ok "command 1 exits 0 ($t1 s; the root grew by $d1 MB, plus $a1 MB of .debs)"
else
	not_ok "command 1 exits 0 ($t1 s)" "exit status $rc"
fi
lines=$(cat "$T/cmd1.out" "$T/cmd1.err" | wc -l)
check "command 1 prints a short summary, not a template ($lines lines)" \
	[ "$lines" -le 25 ]
check "command 1 ends with the next step to try" \
	grep -q 'next: .*cfngen --help' "$T/cmd1.err"
check "command 1 installs no Python" [ "$(python_pkgs)" = "$py_before" ]

out=$root$src/cfngen.out
layer=deno-layer-arm64-v2.9.5.zip
entries=$(inroot -- "unzip -Z1 cfngen.out/$layer" 2>&1 | tr '\n' ' ')
check "layer zip: bootstrap, bin/deno, runtime/shim.ts in order" \
	[ "$entries" = "bootstrap bin/deno runtime/shim.ts " ]
check "example zip holds the handler" \
	inroot -- "unzip -Z1 cfngen.out/example-fn.zip | grep -qx mod.ts"
sha=$(sha256sum "$out/$layer" 2>/dev/null | cut -d' ' -f1)
check "manifest.json records the layer zip's SHA-256" \
	grep -q "\"sha256\": \"${sha:-none}\"" "$out/manifest.json"
check "layer template publishes the zip by its digest" \
	grep -q "${sha:-none}\.zip" "$out/DenoRuntimeLayerStack.template.yaml"
check "example template has the function" \
	grep -q 'AWS::Lambda::Function' "$out/DenoExampleFnStack.template.yaml"
check "combined template has the layer and the function" \
	grep -q 'AWS::Lambda::LayerVersion' "$out/all.template.yaml"
check "combined template has the function" \
	grep -q 'AWS::Lambda::Function' "$out/all.template.yaml"

inroot -- "./build/cfngen --help" >"$T/help" 2>&1
check "cfngen --help works in the root" grep -q -- '--arch' "$T/help"
inroot -- "MANPAGER=cat MANWIDTH=80 man ./cfngen.1" >"$T/man" 2>"$T/man.err"
check "man ./cfngen.1 works in the root" grep -q -- '--region' "$T/man"

# --- command 2 -------------------------------------------------------------
# On a machine where PyPI answers it would run the whole suite; here only its
# first stage, to keep CI's time bounded.
t0=$(date +%s)
d0=$(disk_mb)
say "running command 2: $cmd2"
limit=2400
inroot CFNGEN_TEST_STAGES=check -- "$cmd2" >"$T/cmd2.out" 2>"$T/cmd2.err"
rc=$?
limit=600
t2=$(elapsed "$t0")
d2=$(($(disk_mb) - d0))
a2=$(debs_mb "$pk1" "$(installed)")
tail -5 "$T/cmd2.err" | sed 's/^/fresh:   | /' >&2
last=$(tail -1 "$T/cmd2.out")
pyline=$(grep -c '^install-deps: the tests need moto and cfn-lint and pip cannot install them' "$T/cmd2.err")
if [ "$rc" = 0 ]; then
	case $last in
	*" passed, 0 failed, "*) ok "command 2 passes in the root ($t2 s, +$d2 MB): $last" ;;
	*) not_ok "command 2 passes in the root" "exit 0 but last line: $last" ;;
	esac
elif [ "$pyline" = 1 ] && [ "$last" = "0 passed, 1 failed, 0 skipped" ] &&
	! grep -q '^== ' "$T/cmd2.err"; then
	ok "command 2 stops at once, naming the Python tools ($t2 s, +$d2 MB; PyPI unreachable)"
else
	not_ok "command 2 passes, or stops at once naming the Python tools" \
		"exit status $rc, last line: $last" "$(tail -15 "$T/cmd2.err")"
fi

say "figures: command 1 ${t1} s, +${d1} MB (+${a1} MB .debs); command 2 ${t2} s, +${d2} MB (+${a2} MB .debs); $n checks, $failed failed"
[ "$failed" = 0 ]
