#!/bin/sh
# Benchmark of template generation (issue 3): `cfngen template --offline`
# for each stack (layer, example, both in one template), from the real
# arm64 Deno 2.9.5 release zip, after one warm-up run so that the build
# record of the layer zip is in the cache (what a user's second run sees).
# Wall time is the median of the runs, peak RSS the largest of them.
#
# The baseline is the figure issue 3 states for `cdk synth` of the CDK app
# (2-5 s, about 350 MB); there is no Node CDK here to measure, so the
# column says "stated", and the ratio is taken against its 2 s lower end.
#
# Prints BENCH lines (see tests/bench/report.sh); CFNGEN_BENCH_RUNS sets
# the number of runs (default 7).
set -u
: "${top_srcdir:?run through make bench}"
: "${CFNGEN:?run through make bench}"
. "$top_srcdir/tests/lib.sh"

runs=${CFNGEN_BENCH_RUNS:-7}
test_tmpdir
test_deps
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 1; }
HOME=$T/home CFNGEN_CACHE_DIR=$T/cache
export HOME CFNGEN_CACHE_DIR

# bench LABEL ARGS...: BENCH line for cfngen template ARGS.
bench() {
	label=$1
	shift
	"$CFNGEN" template --offline -q --deno-zip "$DENO_ARM64_ZIP" "$@" \
	    >"$T/warm.out" || { echo "cfngen template $* failed" >&2; exit 1; }
	: >"$T/t"
	: >"$T/rss"
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(now)
		/usr/bin/time -f %M -o "$T/rss.one" "$CFNGEN" template --offline \
		    -q --deno-zip "$DENO_ARM64_ZIP" "$@" >"$T/out" ||
		    { echo "cfngen template $* failed" >&2; exit 1; }
		t1=$(now)
		cmp -s "$T/out" "$T/warm.out" ||
		    { echo "cfngen template $*: output changed between runs" >&2; exit 1; }
		echo "$t1 - $t0" | bc -l >>"$T/t"
		cat "$T/rss.one" >>"$T/rss"
		i=$((i + 1))
	done
	c=$(median "$T/t")
	rss=$(sort -n "$T/rss" | tail -1)
	printf 'BENCH\t%s\t%.3f s\t2-5 s, ~350 MB (cdk synth, stated)\t%.3f\t< 0.1 s\t%.1f MB\n' \
	    "$label" "$c" "$(echo "$c / 2" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

bench "template --offline: layer stack (vs cdk synth)"
bench "template --offline: example stack (vs cdk synth)" --stack example
bench "template --offline: layer + example, one template (vs cdk synth)" --create-example
