"""The runtime's benchmark (see bench.sh): invocations per second through the
shim against a bare Deno fetch loop (baseline.ts), and the time from exec of
bootstrap to the first GET /next against `deno run` of an empty script. Both
sides of each row run in the same process, against the same server.

usage: bench.py LAYER_DIR TMP_DIR
Prints BENCH rows (see tests/bench/report.sh); asserts nothing.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rapi import RuntimeAPI  # noqa: E402
from driver import Target, start, stop, read  # noqa: E402

WARMUP = 300
COUNT = 3000
ROUNDS = 3
STARTS = 25


def peak_rss_kib(pid):
    for line in read("/proc/%d/status" % pid).split("\n"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def throughput(argv, env, cwd, work):
    """Invocations per second once warm (best of ROUNDS), and the peak RSS."""
    api = RuntimeAPI()
    env = dict(env, AWS_LAMBDA_RUNTIME_API=api.address)
    p = start(argv, env, cwd, work)
    try:
        done = 0
        for n in range(WARMUP):
            api.invoke(json.dumps({"n": n}).encode())
        done += WARMUP
        if not api.wait_completed(done, 60):
            raise RuntimeError("warm-up did not finish: " + read(os.path.join(work, "stderr"))[-500:])
        rates = []
        for _ in range(ROUNDS):
            t = time.perf_counter()
            for n in range(COUNT):
                api.invoke(json.dumps({"n": n}).encode())
            done += COUNT
            if not api.wait_completed(done, 120):
                raise RuntimeError("round did not finish")
            rates.append(COUNT / (time.perf_counter() - t))
        return max(rates), peak_rss_kib(p.pid)
    finally:
        stop(p)
        api.stop()


def first_next_ms(argv, env, cwd, work, deno_dir):
    """Milliseconds from exec to the first GET /next."""
    api = RuntimeAPI()
    e = dict(env, AWS_LAMBDA_RUNTIME_API=api.address)
    if deno_dir == "cold":
        e["DENO_DIR"] = tempfile.mkdtemp(dir=work)
    t = time.time_ns()
    p = start(argv, e, cwd, work)
    try:
        end = time.monotonic() + 20
        while api.state.first_next_ns is None and time.monotonic() < end:
            time.sleep(0.0005)
        if api.state.first_next_ns is None:
            raise RuntimeError("no /next: " + read(os.path.join(work, "stderr"))[-500:])
        return (api.state.first_next_ns - t) / 1e6
    finally:
        stop(p)
        api.stop()


def empty_run_ms(deno, env, cwd, work, script, deno_dir):
    """Milliseconds for `deno run` of an empty script, exec to exit."""
    e = dict(env)
    if deno_dir == "cold":
        e["DENO_DIR"] = tempfile.mkdtemp(dir=work)
    t = time.perf_counter()
    subprocess.run([deno, "run", "-A", "--no-config", "--no-lock", script], env=e, cwd=cwd,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t) * 1000


def startup(bootstrap, deno, env, task, work, empty, cache):
    """Medians of STARTS starts of each, taken in turn so both see the same load."""
    ours, base = [], []
    for _ in range(STARTS):
        ours.append(first_next_ms(bootstrap, env, task, work, cache))
        base.append(empty_run_ms(deno, env, task, work, empty, cache))
    return statistics.median(ours), statistics.median(base)


def row(op, ours, base, ratio, target, rss):
    print("BENCH\t%s\t%s\t%s\t%s\t%s\t%s" % (op, ours, base, ratio, target, rss), flush=True)


def main():
    layer, tmp = os.path.abspath(sys.argv[1]), sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="bench-", dir=tmp)
    task = os.path.join(work, "task")
    os.mkdir(task)
    with open(os.path.join(task, "echo.ts"), "w") as f:
        f.write("export const handler = (e: { n: number; pad?: string }) => ({ n: e.n, size: e.pad?.length });\n")
    target = Target("2.9.5", layer, work)
    env = target.env("", "echo.handler", task)
    env["NO_COLOR"] = "1"
    deno = os.path.join(layer, "bin", "deno")
    bootstrap = [os.path.join(layer, "bootstrap")]
    baseline = [deno, "run", "-A", "--no-config", "--no-lock", os.path.join(here, "baseline.ts")]

    shim_rate, shim_rss = throughput(bootstrap, env, task, work)
    base_rate, _ = throughput(baseline, env, task, work)
    row("runtime: invocations/s through the shim vs a bare fetch loop (deno 2.9.5)",
        "%.0f/s" % shim_rate, "%.0f/s" % base_rate,
        "%.2fx time" % (base_rate / shim_rate), "<= 1.20x time", "%.1f MiB" % (shim_rss / 1024))

    empty = os.path.join(work, "empty.ts")
    open(empty, "w").close()
    for cache in ("cold", "warm"):
        if cache == "warm":
            # One run of each fills the shared DENO_DIR.
            first_next_ms(bootstrap, env, task, work, "warm")
            empty_run_ms(deno, env, task, work, empty, "warm")
        ours, base = startup(bootstrap, deno, env, task, work, empty, cache)
        row("runtime: exec bootstrap to first /next vs deno run empty.ts (%s DENO_DIR)"
            % ("empty" if cache == "cold" else "warm"),
            "%.1f ms" % ours, "%.1f ms" % base, "%+.1f ms" % (ours - base), "<= +30 ms", "-")


if __name__ == "__main__":
    main()
