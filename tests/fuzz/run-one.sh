#!/bin/sh
# run-one.sh TARGET CORPUS SECONDS: fuzz TARGET for SECONDS on a scratch copy
# of the seed CORPUS (seeds stay as committed). A crash, leak or timeout
# fails, leaving the input as tests/fuzz/crash-* for a regression case.
set -u
target=$1 corpus=$2 secs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
[ -d "$corpus" ] && cp -R "$corpus"/. "$work/corpus"/
name=${target##*/}
if ASAN_OPTIONS=detect_leaks=1 "$target" -max_total_time="$secs" \
	-timeout=10 -rss_limit_mb=1024 -max_len=131072 -artifact_prefix="$work/crash-" \
	-print_final_stats=1 "$work/corpus" >"$work/log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	echo "$name: ${runs:-?} runs in ${secs}s, no crash" >&2
	exit 0
fi
tail -30 "$work/log" >&2
dest=$(dirname "$0")
for c in "$work"/crash-*; do
	[ -f "$c" ] && cp "$c" "$dest/crash-$name-$(basename "$c" | sed 's/^crash-//')" &&
		echo "$name: crashing input saved as $dest/crash-$name-…" >&2
done
exit 1
