#!/bin/sh
# make bench: runs every benchmark under tests/bench/ and prints one table.
# Each benchmark prints lines "BENCH<TAB>operation<TAB>cfngen<TAB>baseline
# <TAB>ratio<TAB>target<TAB>peak RSS"; everything else it prints goes to
# stderr. Nothing here asserts: the figures are for people to read.
# CFNGEN_BENCH limits the benchmarks (a glob, e.g. "layer").
set -u
: "${top_srcdir:?run through make bench}"
: "${CFNGEN:?run through make bench}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for b in "$top_srcdir"/tests/bench/${CFNGEN_BENCH:-*}.sh \
    "$top_srcdir"/tests/runtime/bench.sh; do
	case $b in
	*/report.sh) continue ;;
	*/runtime/bench.sh) [ -z "${CFNGEN_BENCH:-}" ] || [ "$CFNGEN_BENCH" = runtime ] || continue ;;
	esac
	echo "running ${b##*/}..." >&2
	if ! sh "$b" >"$out.one" 2>"$out.err"; then
		echo "${b##*/} failed:" >&2
		tail -5 "$out.err" >&2
	fi
	grep '^BENCH	' "$out.one" >>"$out"
	rm -f "$out.one" "$out.err"
done
echo
"${PYTHON3:-python3}" - "$out" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[1]) if l.strip()]
head = ["operation", "cfngen", "baseline", "ratio", "target", "peak RSS"]
rows = [r + [""] * (6 - len(r)) for r in rows]
w = [max(len(x[i]) for x in rows + [head]) for i in range(6)]
line = lambda r: "| " + " | ".join(r[i].ljust(w[i]) for i in range(6)) + " |"
print(line(head))
print("|" + "|".join("-" * (w[i] + 2) for i in range(6)) + "|")
for r in rows:
    print(line(r))
PY
