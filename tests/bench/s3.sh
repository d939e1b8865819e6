#!/bin/sh
# Benchmark of publishing to S3 (issue 5), against moto_server on loopback:
#
#   upload      the pipeline (`cfngen` with the cached layer build, one HEAD,
#               one PUT of the ~41.6 MB zip, the template) under a new key,
#               against `aws s3 cp` (Debian's AWS CLI v2) of the same zip to
#               the same server, alternated in the same run; medians
#               (target <= 1.0x)
#   skipped     the second run of the same pipeline: the object is there,
#               so one HEAD and no upload (target: 1 request, < 100 ms),
#               against `aws s3api head-object` of the same key
#
# Prints BENCH lines (see tests/bench/report.sh); CFNGEN_BENCH_RUNS sets
# the number of runs (default 5).
set -u
: "${top_srcdir:?run through make bench}"
: "${CFNGEN:?run through make bench}"
: "${PYTHON3:=python3}"
. "$top_srcdir/tests/lib.sh"

runs=${CFNGEN_BENCH_RUNS:-5}
test_tmpdir
test_deps
bench_moto us-east-1
/usr/bin/aws s3api create-bucket --endpoint-url "$URL" --bucket bench \
    >/dev/null || exit 1

cfngen() {	# cfngen PREFIX: the pipeline, RSS into $T/rss.one
	/usr/bin/time -f %M -o "$T/rss.one" "$CFNGEN" -q --arch x86_64 \
	    --deno-zip "$DENO_X64_ZIP" --bucket bench --endpoint-url "$URL" \
	    --prefix "$1" >"$T/template" ||
	    { echo "cfngen failed" >&2; exit 1; }
}

# Warm the build cache: the benchmark is about the upload.
cfngen warmup/
bench_layer_zip

: >"$T/cfngen.t"
: >"$T/cli.t"
: >"$T/rss"
i=0
while [ "$i" -lt "$runs" ]; do
	t0=$(now)
	cfngen "run$i/"
	t1=$(now)
	/usr/bin/aws s3 cp --quiet --endpoint-url "$URL" "$ZIP" \
	    "s3://bench/cli$i/$KEY" || { echo "aws s3 cp failed" >&2; exit 1; }
	t2=$(now)
	calc "$t1 - $t0" >>"$T/cfngen.t"
	calc "$t2 - $t1" >>"$T/cli.t"
	cat "$T/rss.one" >>"$T/rss"
	i=$((i + 1))
done
c=$(median "$T/cfngen.t")
b=$(median "$T/cli.t")
printf 'BENCH\tupload %.1f MB layer to moto (pipeline vs aws s3 cp)\t%.3f s\t%.3f s\t%.2f\t<= 1.0\t%.1f MB\n' \
    "$(calc "$SIZE / 1000000")" "$c" "$b" "$(calc "$c / $b")" \
    "$(calc "$(sort -n "$T/rss" | tail -1) / 1024")"

: >"$T/skip.t"
: >"$T/head.t"
i=0
while [ "$i" -lt "$runs" ]; do
	before=$(grep -c '" [0-9][0-9][0-9] ' "$T/moto.log")
	t0=$(now)
	cfngen run0/
	t1=$(now)
	after=$(grep -c '" [0-9][0-9][0-9] ' "$T/moto.log")
	/usr/bin/aws s3api head-object --endpoint-url "$URL" --bucket bench \
	    --key "run0/$KEY" >/dev/null || { echo "head-object failed" >&2; exit 1; }
	t2=$(now)
	calc "$t1 - $t0" >>"$T/skip.t"
	calc "$t2 - $t1" >>"$T/head.t"
	i=$((i + 1))
done
requests=$(tail -"$((after - before))" "$T/moto.log" | awk '{ print $6 }' | tr -d '"' | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
c=$(median "$T/skip.t")
b=$(median "$T/head.t")
printf 'BENCH\tsecond run, already uploaded (%s) vs aws s3api head-object\t%.1f ms\t%.1f ms\t%.3f\t1 HEAD, < 100 ms\t%.1f MB\n' \
    "$requests" "$(calc "$c * 1000")" "$(calc "$b * 1000")" \
    "$(calc "$c / $b")" "$(calc "$(cat "$T/rss.one") / 1024")"
