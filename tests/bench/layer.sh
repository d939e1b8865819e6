#!/bin/sh
# Benchmark of the layer build (issue 2), from the real x86_64 release zip
# of Deno 2.9.5 (41.6 MB, 95.6 MB inflated):
#
#   first build     `cfngen build` with an empty cache (inflate and check
#                   deno, copy the compressed entry, hash) against unzip +
#                   zip of the same content, the original app's bundling
#                   step (target: at least 20x faster, ratio <= 0.05)
#   repeated build  `cfngen build` with a warm cache (a plain copy) against
#                   cp(1) of the release zip (target: ratio <= 1.5)
#
# Each figure is the median of several runs, the runs of a pair alternated;
# peak RSS is the highest of cfngen's runs (target: 32 MB). Prints BENCH
# lines (see tests/bench/report.sh). CFNGEN_BENCH_RUNS sets the number of
# runs (default 9; unzip + zip runs a third as often, at least 3).
set -u
: "${top_srcdir:?run through make bench}"
: "${CFNGEN:?run through make bench}"
: "${PYTHON3:=python3}"
. "$top_srcdir/tests/lib.sh"

test_tmpdir
test_deps
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 1; }
for tool in unzip zip; do
	command -v "$tool" >/dev/null ||
	    { echo "$tool not found: apt-get install $tool" >&2; exit 1; }
done

"$PYTHON3" - "$CFNGEN" "$DENO_X64_ZIP" "$top_srcdir" "$T" \
    "${CFNGEN_BENCH_RUNS:-9}" <<'PY'
import os, shutil, statistics, subprocess, sys, time

cfngen, zipfile, srcdir, tmp, runs = sys.argv[1:6]
runs = max(1, int(runs))
layer = "deno-layer-x86_64-v2.9.5.zip"


def run(argv, cwd=None):
    """Wall time and peak RSS (kB, from /usr/bin/time) of one command;
    cp and cfngen alike run under /usr/bin/time."""
    rss = os.path.join(tmp, "rss")
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss] + argv,
                       cwd=cwd, stdout=subprocess.DEVNULL)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("%s failed (status %d)" % (" ".join(argv), p.returncode))
    return t, int(open(rss).read().split()[-1])


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    if os.path.exists(path):
        os.unlink(path)


def build(cache, out):
    return run([cfngen, "build", "-q", "--arch", "x86_64", "--deno-zip",
                zipfile, "--cache-dir", cache, "--out-dir", out])


def unzip_zip():
    work = os.path.join(tmp, "uz")
    fresh(work)
    fresh(work + ".zip")
    os.makedirs(os.path.join(work, "bin"))
    os.makedirs(os.path.join(work, "runtime"))
    t0 = time.perf_counter()
    subprocess.run(["unzip", "-q", zipfile, "-d", os.path.join(work, "bin")],
                   check=True)
    shutil.copy(os.path.join(srcdir, "runtime", "bootstrap"), work)
    # (the layer's shim.ts is made by the build: runtime/bundle.sh)
    shutil.copy(os.path.join(os.environ["top_builddir"], "runtime", "shim.ts"),
                os.path.join(work, "runtime"))
    subprocess.run(["zip", "-q", "-r", work + ".zip", "."], cwd=work,
                   check=True)
    return time.perf_counter() - t0


def cp():
    dst = os.path.join(tmp, "cp.zip")
    fresh(dst)
    return run(["cp", zipfile, dst])[0]


rss = []
first, baseline = [], []
for i in range(runs):
    cache, out = os.path.join(tmp, "c%d" % i), os.path.join(tmp, "o")
    fresh(cache)
    fresh(out)
    t, m = build(cache, out)
    first.append(t)
    rss.append(m)
    if i % 3 == 0 or i == runs - 1 and len(baseline) < 3:
        baseline.append(unzip_zip())
    fresh(cache)
f, b = statistics.median(first), statistics.median(baseline)
print("BENCH\tlayer first build, 41.6 MB release zip, empty cache "
      "(vs unzip + zip)\t%.3f s\t%.2f s\t%.3f (%.0fx faster)\t"
      "<= 0.05 (20x faster)\t%.1f MB" % (f, b, f / b, b / f, max(rss) / 1024))

rss = []
warm = os.path.join(tmp, "warm")
build(warm, os.path.join(tmp, "o"))
repeated, copies = [], []
for i in range(runs):
    out = os.path.join(tmp, "o")
    fresh(out)
    t, m = build(warm, out)
    repeated.append(t)
    rss.append(m)
    copies.append(cp())
    if not os.path.exists(os.path.join(out, layer)):
        sys.exit("no layer zip in %s" % out)
r, c = statistics.median(repeated), statistics.median(copies)
print("BENCH\tlayer repeated build, warm cache (vs cp of the zip)\t"
      "%.1f ms\t%.1f ms\t%.2f\t<= 1.5\t%.1f MB" %
      (r * 1000, c * 1000, r / c, max(rss) / 1024))
PY
