#!/bin/sh
# Benchmark of getting Deno (issue 4), against the loopback mirror of
# tests/fetch/server.py serving the real ~41.6 MB release zip:
#
#   download   `cfngen fetch` into an empty cache (checksum file, download,
#              SHA-256, zip check, fsync, rename) against `curl -o` of the
#              same URL, alternated in the same run; medians (target <= 1.2x)
#   cache hit  `cfngen fetch --offline` of the cached release (no network)
#              against sha256sum(1) of the zip, i.e. what verifying the
#              cache by rehashing would cost (target: well under 100 ms)
#
# Prints BENCH lines (see tests/bench/report.sh); CFNGEN_BENCH_RUNS sets
# the number of runs (default 7).
set -u
: "${top_srcdir:?run through make bench}"
: "${CFNGEN:?run through make bench}"
: "${PYTHON3:=python3}"
. "$top_srcdir/tests/lib.sh"

runs=${CFNGEN_BENCH_RUNS:-7}
test_tmpdir
test_deps
command -v curl >/dev/null || { echo "curl not found: apt-get install curl" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 1; }

A=deno-x86_64-unknown-linux-gnu.zip
PORT=$(free_port)
"$PYTHON3" "$top_srcdir/tests/fetch/server.py" "$DEPS" "$PORT" "$T/log" &
test_bg_pid $!
wait_port "$PORT" || { echo "the mirror did not start" >&2; exit 1; }
URL=http://127.0.0.1:$PORT

: >"$T/cfngen.t"
: >"$T/curl.t"
: >"$T/rss"
i=0
while [ "$i" -lt "$runs" ]; do
	rm -rf "$T/cache" "$T/curl.zip"
	t0=$(now)
	/usr/bin/time -f %M -o "$T/rss.one" "$CFNGEN" -q --cache-dir "$T/cache" \
	    fetch --deno v2.9.5 --arch x86_64 --deno-base-url "$URL" \
	    >/dev/null || { echo "cfngen fetch failed" >&2; exit 1; }
	t1=$(now)
	curl -s -f -o "$T/curl.zip" "$URL/v2.9.5/$A" ||
	    { echo "curl failed" >&2; exit 1; }
	t2=$(now)
	cmp -s "$T/curl.zip" "$T/cache/deno/v2.9.5/$A" ||
	    { echo "cfngen and curl got different bytes" >&2; exit 1; }
	calc "$t1 - $t0" >>"$T/cfngen.t"
	calc "$t2 - $t1" >>"$T/curl.t"
	cat "$T/rss.one" >>"$T/rss"
	i=$((i + 1))
done
c=$(median "$T/cfngen.t")
b=$(median "$T/curl.t")
rss=$(sort -n "$T/rss" | tail -1)
printf 'BENCH\tdownload 41.6 MB release (fetch vs curl -o)\t%.3f s\t%.3f s\t%.2f\t<= 1.2\t%.1f MB\n' \
    "$c" "$b" "$(calc "$c / $b")" "$(calc "$rss / 1024")"

: >"$T/hit.t"
: >"$T/sum.t"
: >"$T/log"
i=0
while [ "$i" -lt "$runs" ]; do
	t0=$(now)
	/usr/bin/time -f %M -o "$T/rss.one" "$CFNGEN" -q --cache-dir "$T/cache" \
	    fetch --offline --deno v2.9.5 --arch x86_64 --deno-base-url "$URL" \
	    >/dev/null || { echo "cache hit failed" >&2; exit 1; }
	t1=$(now)
	sha256sum "$T/cache/deno/v2.9.5/$A" >/dev/null
	t2=$(now)
	calc "$t1 - $t0" >>"$T/hit.t"
	calc "$t2 - $t1" >>"$T/sum.t"
	i=$((i + 1))
done
requests=$(wc -l <"$T/log" | tr -d ' ')
c=$(median "$T/hit.t")
b=$(median "$T/sum.t")
printf 'BENCH\tcache hit (%s requests) vs sha256sum of the zip\t%.1f ms\t%.1f ms\t%.3f\t< 100 ms, no network\t%.1f MB\n' \
    "$requests" "$(calc "$c * 1000")" "$(calc "$b * 1000")" \
    "$(calc "$c / $b")" "$(calc "$(cat "$T/rss.one") / 1024")"
