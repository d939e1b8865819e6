#!/bin/sh
# Benchmark of --regions (issue 15), against moto_server on loopback:
#
#   3 regions   the pipeline with --regions us-east-1,eu-west-1,ap-southeast-2
#               (cached layer build, STS, three bucket checks, three HEADs and
#               three PUTs of the ~41.6 MB zip, in parallel), under a new key
#               prefix each run, against three sequential `aws s3 cp`
#               (Debian's AWS CLI v2) of the same zip to the same three
#               buckets, alternated in the same run; medians (target <= 0.5)
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
bench_moto
REGIONS="us-east-1 eu-west-1 ap-southeast-2"
for r in $REGIONS; do
	if [ "$r" = us-east-1 ]; then
		/usr/bin/aws s3api create-bucket --endpoint-url "$URL" --region "$r" \
		    --bucket "bench-$r" >/dev/null || exit 1
	else
		/usr/bin/aws s3api create-bucket --endpoint-url "$URL" --region "$r" \
		    --bucket "bench-$r" --create-bucket-configuration \
		    "LocationConstraint=$r" >/dev/null || exit 1
	fi
done

cfngen() {	# cfngen PREFIX: the pipeline to three regions, RSS into $T/rss.one
	AWS_ENDPOINT_URL=$URL /usr/bin/time -f %M -o "$T/rss.one" "$CFNGEN" -q \
	    --arch x86_64 --deno-zip "$DENO_X64_ZIP" \
	    --regions us-east-1,eu-west-1,ap-southeast-2 \
	    --bucket-pattern 'bench-{region}' --prefix "$1" >"$T/template" ||
	    { echo "cfngen failed" >&2; exit 1; }
}

# Warm the build cache: the benchmark is about the uploads.
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
	for r in $REGIONS; do
		/usr/bin/aws s3 cp --quiet --endpoint-url "$URL" --region "$r" \
		    "$ZIP" "s3://bench-$r/cli$i/$KEY" ||
		    { echo "aws s3 cp failed" >&2; exit 1; }
	done
	t2=$(now)
	calc "$t1 - $t0" >>"$T/cfngen.t"
	calc "$t2 - $t1" >>"$T/cli.t"
	cat "$T/rss.one" >>"$T/rss"
	i=$((i + 1))
done
c=$(median "$T/cfngen.t")
b=$(median "$T/cli.t")
printf 'BENCH\tupload %.1f MB layer to 3 regions (--regions vs 3 sequential aws s3 cp)\t%.3f s\t%.3f s\t%.2f\t<= 0.5\t%.1f MB\n' \
    "$(calc "$SIZE / 1000000")" "$c" "$b" "$(calc "$c / $b")" \
    "$(calc "$(sort -n "$T/rss" | tail -1) / 1024")"
