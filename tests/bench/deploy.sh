#!/bin/sh
# Benchmark of deploying (issue 14), against moto_server on loopback:
#
#   deploy      `cfngen deploy` of the layer stack (the cached layer build,
#               its upload already done: one HEAD, then the change set,
#               its execution and the wait until CREATE_COMPLETE) as a new
#               stack, against `aws cloudformation deploy` (Debian's AWS
#               CLI v2) of the same template to the same server, also a new
#               stack and also waiting; alternated in the same run, medians
#               (target <= 0.5x)
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

LAYER="--arch x86_64 --deno-zip $DENO_X64_ZIP --bucket bench --endpoint-url $URL"
# The build cached and the zip uploaded: the benchmark is about deploying.
"$CFNGEN" -q $LAYER >"$T/layer.yaml" || { echo "cfngen failed" >&2; exit 1; }

# moto loads its CloudFormation and Lambda code on first use: warm both.
"$CFNGEN" -q deploy $LAYER --cloudformation-endpoint-url "$URL" \
    --stack-name WarmCfngen >/dev/null || { echo "cfngen deploy failed" >&2; exit 1; }
/usr/bin/aws cloudformation deploy --endpoint-url "$URL" \
    --template-file "$T/layer.yaml" --stack-name WarmAws >/dev/null ||
    { echo "aws cloudformation deploy failed" >&2; exit 1; }

: >"$T/cfngen.times"
: >"$T/aws.times"
i=0
while [ $i -lt "$runs" ]; do
	t0=$(now)
	/usr/bin/time -f %M -o "$T/rss.one" "$CFNGEN" -q deploy $LAYER \
	    --cloudformation-endpoint-url "$URL" --stack-name "Cfngen$i" \
	    >/dev/null 2>"$T/cfngen.err" ||
	    { echo "cfngen deploy failed: $(cat "$T/cfngen.err")" >&2; exit 1; }
	t1=$(now)
	calc "$t1 - $t0" >>"$T/cfngen.times"
	cat "$T/rss.one" >>"$T/rss"
	t0=$(now)
	/usr/bin/aws cloudformation deploy --endpoint-url "$URL" \
	    --template-file "$T/layer.yaml" --stack-name "Aws$i" \
	    >/dev/null 2>"$T/aws.err" ||
	    { echo "aws cloudformation deploy failed: $(cat "$T/aws.err")" >&2; exit 1; }
	t1=$(now)
	calc "$t1 - $t0" >>"$T/aws.times"
	for s in "Cfngen$i" "Aws$i"; do
		st=$(/usr/bin/aws cloudformation describe-stacks --endpoint-url "$URL" \
		    --stack-name "$s" --query 'Stacks[0].StackStatus' --output text)
		[ "$st" = CREATE_COMPLETE ] ||
		    { echo "$s: $st, not CREATE_COMPLETE" >&2; exit 1; }
	done
	i=$((i + 1))
done
c=$(median "$T/cfngen.times")
a=$(median "$T/aws.times")
rss=$(sort -n "$T/rss" | tail -1)
printf 'BENCH\tdeploy: layer stack, create + wait (moto)\t%.3f s\t%.3f s (aws cloudformation deploy)\t%.2fx\t<= 0.5x\t%s MB\n' \
    "$c" "$a" "$(calc "$c / $a")" "$(calc "$rss / 1024")"
