"""The runtime's benchmark (see bench.sh). Each row compares two things run
in this process, in turn, against the same server:

- invocations per second through the shim against a bare Deno fetch loop
  (baseline.ts);
- exec of bootstrap to the first GET /next, for the example function and for
  a function with a vendored npm dependency, against `deno run` of an empty
  script, with an empty DENO_DIR (a Lambda cold start) and a warm one; in
  wall-clock time, and in CPU time (what Lambda bills and throttles; it is
  also what a loaded machine disturbs least);
- the layer's layout: the one bundled runtime/shim.ts against the runtime's
  modules as separate files, CPU time to the first /next, empty DENO_DIR;
- invocations per second of a handler that awaits 50 ms with
  AWS_LAMBDA_MAX_CONCURRENCY=4 against 1.

usage: bench.py LAYER_DIR TMP_DIR SRCDIR DEPS_DIR
Prints BENCH rows (see tests/bench/report.sh); asserts nothing.
"""

import glob
import json
import os
import shutil
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
SLOW = 200  # invocations of the 50 ms handler per concurrency setting


def peak_rss_kib(pid):
    for line in read("/proc/%d/status" % pid).split("\n"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_ms(pid):
    """CPU time of all of pid's threads so far (schedstat: nanoseconds)."""
    ns = 0
    for f in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(f) as fh:
                ns += int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return ns / 1e6


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


def concurrent_rate(argv, env, cwd, work, concurrency):
    """Invocations per second of the 50 ms handler at this concurrency."""
    api = RuntimeAPI(concurrency=concurrency)
    env = dict(env, AWS_LAMBDA_RUNTIME_API=api.address, AWS_LAMBDA_MAX_CONCURRENCY=str(concurrency))
    p = start(argv, env, cwd, work)
    try:
        api.invoke(b"{}")
        if not api.wait_completed(1, 60):
            raise RuntimeError("no first answer: " + read(os.path.join(work, "stderr"))[-500:])
        t = time.perf_counter()
        for n in range(SLOW):
            api.invoke(json.dumps({"n": n}).encode())
        if not api.wait_completed(SLOW + 1, 120):
            raise RuntimeError("did not finish")
        rate = SLOW / (time.perf_counter() - t)
        bad = [i for i in api.invocations.values() if not i.result or i.result["kind"] != "response"]
        if bad:
            raise RuntimeError("%d invocations failed" % len(bad))
        return rate
    finally:
        stop(p)
        api.stop()


def first_next(argv, env, cwd, work, deno_dir):
    """(wall ms, CPU ms) from exec to the first GET /next."""
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
        # The runtime now waits for an invocation, using no CPU.
        return (api.state.first_next_ns - t) / 1e6, cpu_ms(p.pid)
    finally:
        stop(p)
        api.stop()


def empty_run(argv, env, cwd, work, deno_dir):
    """(wall ms, CPU ms) of a `deno run` (argv), exec to exit."""
    e = dict(env)
    if deno_dir == "cold":
        e["DENO_DIR"] = tempfile.mkdtemp(dir=work)
    t = time.perf_counter()
    p = subprocess.Popen(argv, env=e, cwd=cwd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t) * 1000
    p.returncode = status
    if status != 0:
        raise RuntimeError("%s: status %d" % (" ".join(argv), status))
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def median2(pairs):
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def row(op, ours, base, ratio, target, rss):
    print("BENCH\t%s\t%s\t%s\t%s\t%s\t%s" % (op, ours, base, ratio, target, rss), flush=True)


def startup_rows(what, bootstrap, env, task, work, base_argv, base_what):
    for cache in ("cold", "warm"):
        if cache == "warm":
            env = dict(env, DENO_DIR=tempfile.mkdtemp(dir=work))
            first_next(bootstrap, env, task, work, "warm")  # fills DENO_DIR
            empty_run(base_argv, env, task, work, "warm")
        ours, base = [], []
        for _ in range(STARTS):  # in turn, so both see the same load
            ours.append(first_next(bootstrap, env, task, work, cache))
            base.append(empty_run(base_argv, env, task, work, cache))
        (ow, oc), (bw, bc) = median2(ours), median2(base)
        label = "empty" if cache == "cold" else "warm"
        row("runtime: exec bootstrap to first /next, %s, vs %s (%s DENO_DIR), wall" % (what, base_what, label),
            "%.1f ms" % ow, "%.1f ms" % bw, "%+.1f ms" % (ow - bw), "<= +6 ms", "-")
        row("runtime: the same, CPU time", "%.1f ms" % oc, "%.1f ms" % bc, "%+.1f ms" % (oc - bc), "<= +6 ms", "-")


def npm_function(target, task, deps):
    """The echo function with an npm dependency in node_modules/, prepared
    with deno install as a user would (the npm registry, once; then the
    cache in DEPS_DIR)."""
    with open(os.path.join(task, "deno.json"), "w") as f:
        json.dump({"nodeModulesDir": "manual", "imports": {"is-number": "npm:is-number@7.0.0"}}, f)
    with open(os.path.join(task, "npm.ts"), "w") as f:
        f.write('import isNumber from "is-number";\n'
                "export const handler = (e: { n: number }) => ({ n: e.n, number: isNumber(e.n) });\n")
    env = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1", "DENO_NO_UPDATE_CHECK": "1",
           "DENO_DIR": os.path.join(deps, "deno-dir-prepare-" + target.version)}
    subprocess.run([os.path.join(target.layer, "bin", "deno"), "install"], cwd=task, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=180)


def modules_layer(layer, srcdir, work):
    """The layer with the runtime's modules as separate files (loop.ts as
    shim.ts, importing its siblings) instead of the bundle."""
    other = os.path.join(work, "layer-modules")
    os.makedirs(os.path.join(other, "bin"))
    os.symlink(os.path.join(layer, "bin", "deno"), os.path.join(other, "bin", "deno"))
    shutil.copy2(os.path.join(layer, "bootstrap"), other)
    os.makedirs(os.path.join(other, "runtime"))
    for f in glob.glob(os.path.join(srcdir, "runtime", "*.ts")):
        name = os.path.basename(f)
        shutil.copy(f, os.path.join(other, "runtime", "shim.ts" if name == "loop.ts" else name))
    return other


def code_cache_layer(layer, work):
    """The layer with a bootstrap that lets Deno write its V8 code cache."""
    other = os.path.join(work, "layer-code-cache")
    os.makedirs(os.path.join(other, "bin"))
    os.symlink(os.path.join(layer, "bin", "deno"), os.path.join(other, "bin", "deno"))
    os.symlink(os.path.join(layer, "runtime"), os.path.join(other, "runtime"))
    with open(os.path.join(layer, "bootstrap")) as f:
        text = f.read()
    if " --no-code-cache " not in text:
        raise RuntimeError("bootstrap no longer passes --no-code-cache: update the benchmark")
    with open(os.path.join(other, "bootstrap"), "w") as f:
        f.write(text.replace(" --no-code-cache ", " "))
    os.chmod(os.path.join(other, "bootstrap"), 0o755)
    return other


def main():
    layer, tmp, srcdir, deps = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="bench-", dir=tmp)
    task = os.path.join(work, "task")
    os.mkdir(task)
    with open(os.path.join(task, "echo.ts"), "w") as f:
        f.write("export const handler = (e: { n: number; pad?: string }) => ({ n: e.n, size: e.pad?.length });\n")
    with open(os.path.join(task, "slow.ts"), "w") as f:
        f.write("export const handler = async (e: { n: number }) => {\n"
                "  await new Promise((r) => setTimeout(r, 50));\n"
                "  return { n: e.n };\n"
                "};\n")
    shutil.copy(os.path.join(srcdir, "example-fn", "mod.ts"), task)
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

    slow = dict(env, _HANDLER="slow.handler")
    one = concurrent_rate(bootstrap, slow, task, work, 1)
    four = concurrent_rate(bootstrap, slow, task, work, 4)
    row("runtime: invocations/s of a handler awaiting 50 ms, AWS_LAMBDA_MAX_CONCURRENCY=4 vs 1",
        "%.1f/s" % four, "%.1f/s" % one, "%.2fx" % (four / one), ">= 3x", "-")

    empty = os.path.join(work, "empty.ts")
    open(empty, "w").close()
    startup_rows("the example", bootstrap, dict(env, _HANDLER="mod.handler"), task, work,
                 [deno, "run", "-A", "--no-config", "--no-lock", empty], "deno run empty.ts")

    # Choices made by measuring: one bundled file against the modules; no
    # V8 code cache against one (bootstrap's --no-code-cache).
    variants = (("layout, bundled shim.ts vs the modules as files", modules_layer(layer, srcdir, work)),
                ("bootstrap's --no-code-cache vs a code cache", code_cache_layer(layer, work)))
    for what, other in variants:
        for cache in ("cold", "warm"):
            e = env if cache == "cold" else dict(env, DENO_DIR=tempfile.mkdtemp(dir=work))
            e2 = e if cache == "cold" else dict(env, DENO_DIR=tempfile.mkdtemp(dir=work))
            if cache == "warm":
                first_next(bootstrap, e, task, work, "warm")
                first_next([os.path.join(other, "bootstrap")], e2, task, work, "warm")
            ours, theirs = [], []
            for _ in range(STARTS):
                ours.append(first_next(bootstrap, e, task, work, cache)[1])
                theirs.append(first_next([os.path.join(other, "bootstrap")], e2, task, work, cache)[1])
            o, t = statistics.median(ours), statistics.median(theirs)
            row("runtime: %s, CPU to first /next (%s DENO_DIR)" % (what, "empty" if cache == "cold" else "warm"),
                "%.1f ms" % o, "%.1f ms" % t, "%+.1f ms" % (o - t), "< 0 (empty)", "-")

    npm_task = os.path.join(work, "npm-task")
    os.mkdir(npm_task)
    try:
        npm_function(target, npm_task, deps)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print("deno install of the npm function failed (it needs the npm registry once): %s" % e,
              file=sys.stderr)
        return
    # The baseline loads the same dependency with the flags bootstrap uses,
    # so the row shows what the runtime adds, not what npm resolution costs.
    entry = os.path.join(npm_task, "entry.ts")
    with open(entry, "w") as f:
        f.write('import isNumber from "is-number";\nisNumber(1);\n')
    startup_rows("an npm dependency in node_modules/", bootstrap,
                 dict(env, _HANDLER="npm.handler", LAMBDA_TASK_ROOT=npm_task), npm_task, work,
                 [deno, "run", "-A", "--config", os.path.join(npm_task, "deno.json"),
                  "--lock=" + os.path.join(npm_task, "deno.lock"), "--frozen", "--cached-only", entry],
                 "deno run of a script importing it")


if __name__ == "__main__":
    main()
