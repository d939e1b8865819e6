"""Runs the runtime's test cases against an extracted layer and real Deno.

usage: driver.py --top-srcdir DIR --tmp DIR --layer VERSION=DIR [--layer ...]
                 [--arm64-layer DIR] [--only SUBSTRING]

Prints one line per check, "ok - what" or "not ok - what" followed by "# "
diagnostics; tests/runtime.test numbers them into TAP.

A data case is a folder tests/runtime/cases/NAME/ holding case.json and the
function's code under task/ (copied to a scratch task root for each run).
case.json:

  {"description": "...", "task": "task" | "@example-fn",
   "runs": [{"name": "...", "handler": "mod.handler",
             "env": {...}, "unset": ["DENO_DIR"], "readonly": true,
             "invocations": [{"name": "...", "event": ... | "raw": "...",
                              "trace_id": ..., "client_context": ...,
                              "cognito_id": ..., "cognito_pool": ...,
                              "timeout": 300, "sleep_before": 0.2,
                              (in events, {"$repeat": [text, n]} is text * n)
                              "response": M | "response_raw": M |
                              "error": M | "stream": {...}}],
             "init_error": M, "exits": [M], "stdout": [M], "stdout_json": [M],
             "stdout_all_json": true, "stdout_not": ["regex"],
             "stderr_allow": ["regex"], "paths_exist": ["${TMP}/..."],
             "files": {"name": "content"}, "layer_files": {"name": "content"},
             "shell": ["bash", "--posix"],
             "function_name": "...",
             "concurrency": N, "together": true, "max_in_flight": M,
             "max_outstanding_next": M, "tagged_lines": "regex",
             "deno": "2", "skip_why": "...", "accept_status": 200,
             "stdout_count": {"regex": n}, "prepare": [["install"]] | {"2": ...},
             "prepare_remove": ["path"], "offline": true}]}

"tenant_id" on an invocation sends Lambda-Runtime-Aws-Tenant-Id, and
"xray_cause": M matches the JSON of an error post's
Lambda-Runtime-Function-XRay-Error-Cause header ({"$absent": true}: none).
"concurrency" sets AWS_LAMBDA_MAX_CONCURRENCY and makes the Runtime API
serve that many invocations at once. With "together", every invocation is
queued before any result is awaited (so they can overlap); "max_in_flight"
and "max_outstanding_next" then match the most invocations in flight and
/next requests waiting at once, as the server saw them. "tagged_lines" is a
regex whose group 1 is an invocation's index: every stdout line it matches
must carry that invocation's request id and no other's, and every
invocation must have such a line. "deno" runs the run only on the Deno
versions starting with it, skipping it elsewhere with "skip_why".
"prepare" is a list of deno argument lists (or an object of such lists by
Deno version prefix) run in the task root before the
runtime starts, with the network and a DENO_DIR of their own (kept in
tests/deps.sh's directory), as a user prepares a function; then the paths
in "prepare_remove" are deleted, and files that deno hard-linked to its
cache get copies of their own, as a zip of the function would give. A
"readonly" run's task root must share no file with another tree, and the
runtime sees it mounted read-only (unshare -m; -r -m when not root). With "offline", the proxy variables point
at a tripwire that refuses and records every connection, and the run
checks that neither it nor the case's module server saw a request.
"accept_status" is the status the Runtime API accepts results with (202
unless given); "stdout_count" gives how many stdout lines match each regex.

M is a matcher: a value that must equal the actual one, except that an
object matches any object holding at least its keys, and these forms:
{"$re": "regex"}, {"$type": "string"}, {"$range": [lo, hi]},
{"$contains": M} (some list element), {"$absent": true} (as a key's value),
{"$eq": M} (an object with exactly these keys). Strings may use
${DENO_VERSION}, ${TMP}, ${TASK}, ${REQUEST_ID} (this invocation) and
${REQUEST_ID_n} (invocation n of the run);
task files may use ${MODULE_SERVER}, a local server of the case's remote/, and
${LAYER}, the extracted layer.

Every wait is bounded; every process started here is stopped by its PID.
"""

import argparse
import base64
import http.server
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rapi import RuntimeAPI, MAX_PAYLOAD  # noqa: E402

RESULT_WAIT = 20      # seconds for one invocation's reply
EXIT_WAIT = 10        # seconds for a runtime that must exit to do so
SUITE_LIMIT = 900     # the whole driver, as a last resort

CHILDREN = set()
DEPS = None           # tests/deps.sh's directory (--deps)


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report(desc, errors, diag=()):
    if not errors:
        out("ok - " + desc)
        return True
    out("not ok - " + desc)
    for e in list(errors) + list(diag):
        for line in str(e).split("\n"):
            out("# " + line)
    return False


def short(v, n=300):
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) if _jsonable(v) else repr(v)
    return s if len(s) <= n else s[:n] + "...(%d chars)" % len(s)


def _jsonable(v):
    try:
        json.dumps(v)
        return True
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------
# Matchers.

def type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(v), type(v).__name__)


def match(exp, act, path="$"):
    """A list of mismatches; empty when act matches exp."""
    if isinstance(exp, dict) and len(exp) == 1 and next(iter(exp)).startswith("$"):
        op, arg = next(iter(exp.items()))
        if op == "$re":
            ok = isinstance(act, str) and re.search(arg, act, re.S) is not None
        elif op == "$type":
            ok = type_name(act) == arg
        elif op == "$range":
            ok = type_name(act) == "number" and arg[0] <= act <= arg[1]
        elif op == "$contains":
            ok = isinstance(act, list) and any(not match(arg, x) for x in act)
        elif op == "$eq":
            if isinstance(arg, dict) and isinstance(act, dict):
                extra = sorted(set(act) - set(arg))
                return match(arg, act, path) + ["%s.%s: unexpected" % (path, k) for k in extra]
            return match(arg, act, path)
        else:
            raise ValueError("unknown matcher " + op)
        return [] if ok else ["%s: expected %s %s, got %s" % (path, op, short(arg), short(act))]
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            return ["%s: expected an object, got %s" % (path, short(act))]
        errs = []
        for k, v in exp.items():
            if v == {"$absent": True}:
                if k in act:
                    errs.append("%s.%s: expected absent, got %s" % (path, k, short(act[k])))
            elif k not in act:
                errs.append("%s.%s: missing (got %s)" % (path, k, short(act)))
            else:
                errs += match(v, act[k], "%s.%s" % (path, k))
        return errs
    if isinstance(exp, list):
        if not isinstance(act, list) or len(act) != len(exp):
            return ["%s: expected %s, got %s" % (path, short(exp), short(act))]
        errs = []
        for i, (e, a) in enumerate(zip(exp, act)):
            errs += match(e, a, "%s[%d]" % (path, i))
        return errs
    if exp == act and type_name(exp) == type_name(act):
        return []
    return ["%s: expected %s, got %s" % (path, short(exp), short(act))]


def expand(v):
    """An event with {"$repeat": [text, n]} standing for text * n."""
    if isinstance(v, dict):
        if list(v) == ["$repeat"]:
            return v["$repeat"][0] * v["$repeat"][1]
        return {k: expand(x) for k, x in v.items()}
    if isinstance(v, list):
        return [expand(x) for x in v]
    return v


def subst(v, names, in_re=False):
    if isinstance(v, str):
        def repl(m):
            if m.group(1) not in names:
                return m.group(0)
            s = str(names[m.group(1)])
            return re.escape(s) if in_re else s
        return re.sub(r"\$\{([A-Z0-9_]+)\}", repl, v)
    if isinstance(v, list):
        return [subst(x, names, in_re) for x in v]
    if isinstance(v, dict):
        return {k: subst(x, names, in_re or k == "$re") for k, x in v.items()}
    return v


def match_lines(matchers, lines, what):
    errs = []
    for m in matchers:
        if not any(not match(m, line) for line in lines):
            errs.append("no %s line matches %s" % (what, short(m)))
    return errs


# --------------------------------------------------------------------------
# Processes.

def start(argv, env, cwd, logdir):
    so = open(os.path.join(logdir, "stdout"), "wb")
    se = open(os.path.join(logdir, "stderr"), "wb")
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=so, stderr=se,
                         start_new_session=True)
    so.close()
    se.close()
    CHILDREN.add(p)
    return p


def stop(p):
    """Kills p (by its PID; it leads its own session) and reaps it."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        p.wait(EXIT_WAIT)
    finally:
        CHILDREN.discard(p)


def wait_exit(p, seconds):
    try:
        return p.wait(seconds)
    except subprocess.TimeoutExpired:
        return None


def await_result(api, rid, p, wait=RESULT_WAIT):
    """The reply to rid; None after wait seconds, or soon after p exits."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        r = api.result(rid, 0.25)
        if r is not None:
            return r
        if p.poll() is not None:
            return api.result(rid, 0.25)
    return None


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def tail(text, n=15):
    lines = text.rstrip("\n").split("\n")
    return ["  | " + line for line in lines[-n:] if line]


# --------------------------------------------------------------------------
# A static server for remote modules (application/typescript), so a case can
# depend on something Deno caches and locks, with no network.

class ModuleServer:
    def __init__(self, root):
        class H(http.server.SimpleHTTPRequestHandler):
            extensions_map = {".ts": "application/typescript", ".js": "application/javascript"}

            def __init__(self, *a, **k):
                super().__init__(*a, directory=root, **k)

            def log_message(self, *a):
                pass

            def send_head(self):
                server.requests.append(self.path)
                return super().send_head()

        server = self
        self.requests = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Tripwire:
    """A proxy that refuses everything and remembers who tried: with the
    proxy variables pointing at it, any network attempt of Deno's (npm
    registry, remote modules) is seen here."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.attempts = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                c.settimeout(2)
                self.attempts.append(c.recv(300).split(b"\r\n")[0].decode("latin-1"))
            except OSError as e:
                self.attempts.append("? %s" % e)
            c.close()

    def env(self):
        return {k: self.url for k in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY",
                                      "https_proxy", "http_proxy", "all_proxy")}

    def stop(self):
        self.sock.close()


def prepare(target, run, task, names, deps):
    """Runs the run's "prepare" commands (deno ARGS in the task root, with
    the network), as a user prepares a function before zipping it; then
    removes its "prepare_remove" paths. A list of errors."""
    env = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1", "DENO_NO_UPDATE_CHECK": "1",
           "DENO_TLS_CA_STORE": "system",
           # Kept between runs (npm tarballs are fetched once), and never the
           # runtime's DENO_DIR: that one starts empty, as at a cold start.
           "DENO_DIR": os.path.join(deps, "deno-dir-prepare-" + target.version)}
    for k in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy",
              "NPM_CONFIG_REGISTRY"):
        if k in os.environ:
            env[k] = os.environ[k]
    deno = os.path.join(target.layer, "bin", "deno")
    steps = run.get("prepare", [])
    if isinstance(steps, dict):  # {"2": [...], "1": [...]}: by Deno version
        steps = next((v for k, v in steps.items() if target.version.startswith(k)), [])
    for argv in steps:
        try:
            r = subprocess.run([deno] + subst(argv, names), env=env, cwd=task, capture_output=True, timeout=180)
        except subprocess.TimeoutExpired:
            return ["deno %s timed out (it needs the npm registry, or the case's module server)" % " ".join(argv)]
        if r.returncode != 0:
            return ["deno %s failed (exit %d): it needs the npm registry, or the case's module server"
                    % (" ".join(argv), r.returncode)] + tail((r.stdout + r.stderr).decode("utf-8", "replace"))
    for rel in run.get("prepare_remove", []):
        path = os.path.join(task, rel)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)
        else:
            return ["prepare_remove: %s does not exist after preparing" % rel]
    unlink_shared(task)
    return []


def unlink_shared(root):
    """Gives every file of root that is hard-linked elsewhere a copy of its
    own, as zipping the function and extracting it on Lambda would.
    deno install hard-links the packages it puts in node_modules/ to its
    npm cache, which the prepare DENO_DIR shares with every other run and
    every concurrent runtime.test on the machine: set_writable() would
    change the modes of those shared inodes, and another run doing the
    same between this run's snapshots looked like a write into this task
    root."""
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink == 1:
                continue
            tmp = p + ".unlink-shared"
            shutil.copy2(p, tmp)
            os.rename(tmp, p)


def shared_inodes(root):
    """The files of root that are hard-linked elsewhere."""
    shared = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                shared.append("%s (%d links)" % (os.path.relpath(p, root), st.st_nlink))
    return shared


# --------------------------------------------------------------------------
# The task root.

def copy_task(src, dst, names):
    shutil.copytree(src, dst)
    set_writable(dst, True)  # the source tree is read-only under make distcheck
    for dirpath, _, files in os.walk(dst):
        for f in files:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                data = fh.read()
            if b"${" in data:
                with open(p, "wb") as fh:
                    fh.write(subst(data.decode(), names).encode())


def snapshot(root):
    """Everything about a tree that a write would change."""
    snap = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            snap[os.path.relpath(p, root)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    st = os.lstat(root)
    snap["."] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return snap


# Mounts $1 read-only over itself in the private mount namespace unshare(1)
# made, enters it (the working directory was the writable one underneath)
# and runs the rest: the task root as Lambda gives it (EROFS for any write,
# root or not; modes alone stop no write when the tests run as root).
READONLY_SH = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && cd "$1" && shift && exec "$@"'
_readonly = None


def readonly_argv(task, argv):
    """(argv running argv with task mounted read-only, None) or (None, why
    not): unshare -m as root, unshare -r -m (a user namespace) otherwise."""
    global _readonly
    if _readonly is None:
        unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-r", "-m"]
        probe = tempfile.mkdtemp(prefix="ro-probe-")
        try:
            r = subprocess.run(unshare + ["sh", "-c", READONLY_SH, "sh", probe, "sh", "-c",
                                          'if (: >"$0/f") 2>/dev/null; then echo writable; else echo read-only; fi',
                                          probe],
                               capture_output=True, timeout=30)
            said = r.stdout.decode("utf-8", "replace").strip()
            if said == "read-only":
                _readonly = (unshare, None)
            else:
                _readonly = (None, "%s could not mount a task root read-only (exit %d, %s): %s; the "
                             "readonly runs need util-linux's unshare and mount namespaces (as "
                             "non-root, user namespaces: sysctl kernel.unprivileged_userns_clone=1)"
                             % (" ".join(unshare), r.returncode, said or "-",
                                r.stderr.decode("utf-8", "replace").strip()))
        except (OSError, subprocess.TimeoutExpired) as e:
            _readonly = (None, "%s: %s; the readonly runs need util-linux's unshare" % (" ".join(unshare), e))
        finally:
            shutil.rmtree(probe, ignore_errors=True)
    unshare, why = _readonly
    if unshare is None:
        return None, why
    return unshare + ["sh", "-c", READONLY_SH, "sh", task] + argv, None


def set_writable(root, writable):
    for dirpath, dirs, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            os.chmod(p, 0o644 if writable else 0o444)
        os.chmod(dirpath, 0o755 if writable else 0o555)


# --------------------------------------------------------------------------
# One Deno version's context.

class Target:
    def __init__(self, version, layer, tmp):
        self.version = version          # "2.9.5"
        self.layer = layer
        self.tmp = tmp
        self.deno_dir = os.path.join(tmp, "deno-dir-" + version)

    def env(self, api, handler, task, function_name="test-function"):
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "AWS_LAMBDA_RUNTIME_API": api,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": task,
            "AWS_LAMBDA_FUNCTION_NAME": function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/" + function_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0123456789abcdef",
            "AWS_REGION": "us-east-1",
            "DENO_DIR": self.deno_dir,
        }


def invocation_result_errors(inv, r, names):
    """Checks one invocation's outcome against its expectations."""
    if r is None:
        return ["no reply from the runtime"]
    errs = []
    body = r["body"]
    kind = r["kind"]
    if "response" in inv or "response_raw" in inv:
        if kind != "response":
            return ["expected a response, got %s: %s" % (kind, short(body.decode("utf-8", "replace")))]
        if r["chunks"] is not None:
            return ["expected a buffered response, got a streamed one"]
        if "response_raw" in inv:
            errs += match(subst(inv["response_raw"], names), body.decode("utf-8", "replace"), "body")
        if "response" in inv:
            try:
                got = json.loads(body)
            except ValueError as e:
                return ["response is not JSON (%s): %s" % (e, short(body.decode("utf-8", "replace")))]
            errs += match(subst(inv["response"], names), got, "response")
    elif "error" in inv:
        if kind != "error":
            return ["expected an error, got %s: %s" % (kind, short(body.decode("utf-8", "replace")))]
        if r.get("rejected"):
            errs.append("the runtime sent a response the Runtime API rejected with %d" % r["rejected"])
        try:
            got = json.loads(body)
        except ValueError as e:
            return ["error body is not JSON (%s): %s" % (e, short(body.decode("utf-8", "replace")))]
        errs += match(subst(inv["error"], names), got, "error")
        errs += match({"errorType": {"$type": "string"}, "errorMessage": {"$type": "string"},
                       "stackTrace": {"$type": "array"}}, got, "error")
        header = r["headers"].get("lambda-runtime-function-error-type")
        want = inv.get("error_header", got.get("errorType"))
        if header != want:
            errs.append("Lambda-Runtime-Function-Error-Type: expected %s, got %s" % (short(want), short(header)))
    elif "stream" in inv:
        exp = subst(inv["stream"], names)
        if kind != "response" or r["chunks"] is None:
            return ["expected a streamed response, got %s (%s): %s" % (
                kind, "buffered" if r["chunks"] is None else "streamed", short(body.decode("utf-8", "replace")))]
        h = r["headers"]
        if h.get("lambda-runtime-function-response-mode") != "streaming":
            errs.append("Lambda-Runtime-Function-Response-Mode: %s" % h.get("lambda-runtime-function-response-mode"))
        if "chunked" not in h.get("transfer-encoding", ""):
            errs.append("Transfer-Encoding: %s" % h.get("transfer-encoding"))
        for k in ("lambda-runtime-function-error-type", "lambda-runtime-function-error-body"):
            if k.title() not in h.get("trailer", "").title():
                errs.append("Trailer does not announce %s: %s" % (k, h.get("trailer")))
        if "content_type" in exp:
            errs += match(exp["content_type"], h.get("content-type"), "Content-Type")
        if "body" in exp:
            errs += match(exp["body"], body.decode("utf-8", "replace"), "body")
        if "prelude" in exp:
            head, sep, rest = body.partition(b"\0" * 8)
            if not sep:
                errs.append("no 8-byte NUL separator after the prelude: %s" % short(body.decode("utf-8", "replace")))
            else:
                errs += match(exp["prelude"], json.loads(head), "prelude")
                errs += match(exp["after_prelude"], rest.decode("utf-8", "replace"), "body after prelude")
        if "min_chunks" in exp and len(r["chunks"]) < exp["min_chunks"]:
            errs.append("expected at least %d chunks, got %d" % (exp["min_chunks"], len(r["chunks"])))
        if "min_gap_ms" in exp:
            gap = (r["chunk_times"][-1] - r["chunk_times"][0]) * 1000 if r["chunk_times"] else 0
            if gap < exp["min_gap_ms"]:
                errs.append("chunks arrived %.0f ms apart, expected >= %d ms: buffered, not streamed"
                            % (gap, exp["min_gap_ms"]))
        trailers = r["trailers"]
        if "error" in exp:
            t = trailers.get("lambda-runtime-function-error-type")
            b = trailers.get("lambda-runtime-function-error-body")
            if t is None or b is None:
                errs.append("expected error trailers, got %s" % short(trailers))
            else:
                try:
                    got = json.loads(base64.b64decode(b))
                except ValueError as e:
                    return errs + ["error trailer body is not base64 JSON (%s): %s" % (e, b)]
                errs += match(exp["error"], got, "trailer error")
                if t != got.get("errorType"):
                    errs.append("error type trailer %s != body errorType %s" % (t, got.get("errorType")))
        elif trailers:
            errs.append("unexpected trailers: %s" % short(trailers))
    return errs


def check_invocation(label, inv, api, rid, p, names, work):
    """Reports one invocation's outcome; False when there was none."""
    names["REQUEST_ID"] = rid
    r = await_result(api, rid, p)
    errs = invocation_result_errors(inv, r, names)
    if r is not None and "xray_cause" in inv:
        errs += xray_cause_errors(inv["xray_cause"], r, names)
    diag = []
    if errs and p.poll() is not None:
        diag = ["the runtime exited with %s" % p.returncode] + tail(read(os.path.join(work, "stderr")))
    report("%s: %s" % (label, inv["name"]), errs, diag)
    return r is not None


def xray_cause_errors(exp, r, names):
    header = r["headers"].get("lambda-runtime-function-xray-error-cause")
    if exp == {"$absent": True}:
        return [] if header is None else ["unexpected X-Ray cause header: %s" % short(header)]
    if header is None:
        return ["no Lambda-Runtime-Function-XRay-Error-Cause header"]
    if not header.isascii():
        return ["the X-Ray cause header is not ASCII"]
    try:
        got = json.loads(header)
    except ValueError as e:
        return ["the X-Ray cause header is not JSON (%s): %s" % (e, short(header))]
    return match(subst(exp, names), got, "xray cause")


def check_overlap(label, run, api, ids):
    """What the server saw of invocations at once: in flight, and /next waiting."""
    st = api.state
    for key, got in (("max_in_flight", st.max_flying), ("max_outstanding_next", st.max_outstanding)):
        if key in run:
            errs = match(run[key], got, key)
            if st.refused_next:
                errs.append("%d /next requests beyond the concurrency limit" % st.refused_next)
            report("%s: %s %s (saw %d)" % (label, key.replace("_", " "), short(run[key]), got), errs)


def tagged_line_errors(pattern, lines, names, count):
    """Every line matching pattern (group 1: invocation index) carries that invocation's request id only."""
    errs, seen = [], set()
    ids = {i: names.get("REQUEST_ID_%d" % i) for i in range(count)}
    for line in lines:
        m = re.search(pattern, line)
        if not m:
            continue
        n = int(m.group(1))
        seen.add(n)
        if ids.get(n) is None or ids[n] not in line:
            errs.append("line of invocation %d without its request id %s: %s" % (n, ids.get(n), short(line)))
        others = [i for i, rid in ids.items() if i != n and rid and rid in line]
        if others:
            errs.append("line of invocation %d carries the id of invocation %s: %s" % (n, others, short(line)))
    missing = sorted(set(range(count)) - seen)
    if missing:
        errs.append("no tagged line for invocations %s" % missing)
    return errs


def run_case(target, case_dir, case, run, top, only):
    name = "%s/%s" % (os.path.basename(case_dir), run["name"])
    label = "deno %s %s" % (target.version, name)
    if only and only not in label:
        return
    if not target.version.startswith(run.get("deno", "")):
        # Explicit, with the reason: what this Deno version cannot do.
        out("ok - %s # SKIP on Deno %s: %s" % (label, target.version, run["skip_why"]))
        return
    work = tempfile.mkdtemp(prefix="run-", dir=target.tmp)
    task = os.path.join(work, "task")
    names = {"DENO_VERSION": target.version, "TMP": work, "TASK": task, "LAYER": target.layer}
    modsrv = None
    if os.path.isdir(os.path.join(case_dir, "remote")):
        modsrv = ModuleServer(os.path.join(case_dir, "remote"))
        names["MODULE_SERVER"] = modsrv.url
    src = case.get("task", "task")
    src = os.path.join(top, src[1:]) if src.startswith("@") else os.path.join(case_dir, src)
    copy_task(src, task, names)
    for f, text in run.get("files", {}).items():
        with open(os.path.join(task, f), "w") as fh:
            fh.write(subst(text, names))
    if "prepare" in run:
        errs = prepare(target, run, task, names, DEPS)
        if errs:
            report("%s: prepared as a user would" % label, errs)
            if modsrv:
                modsrv.stop()
            return
    fetched = len(modsrv.requests) if modsrv else 0
    tripwire = Tripwire() if run.get("offline") else None

    api = RuntimeAPI(run.get("function_name", "test-function"), run.get("concurrency", 1))
    api.state.accept_status = run.get("accept_status", 202)
    env = target.env(api.address, run.get("handler", ""), task, run.get("function_name", "test-function"))
    if "concurrency" in run:
        env["AWS_LAMBDA_MAX_CONCURRENCY"] = str(run["concurrency"])
    if tripwire:
        env.update(tripwire.env())
    env.update(subst(run.get("env", {}), names))
    for k in run.get("unset", []):
        env.pop(k, None)
    before = None
    if run.get("readonly"):
        # A file shared with another tree could change under the snapshot
        # without this run writing it (and set_writable would change the
        # other tree).
        shared = shared_inodes(task)
        if shared:
            report("%s: the task root shares no file with another tree" % label,
                   ["hard-linked: %s" % f for f in shared])
            if modsrv:
                modsrv.stop()
            return
        set_writable(task, False)
        before = snapshot(task)
    layer = target.layer
    if run.get("layer_files"):
        # Files beside the layer's, as another layer would put them in /opt.
        layer = os.path.join(work, "layer")
        os.makedirs(os.path.join(layer, "bin"))
        shutil.copytree(os.path.join(target.layer, "runtime"), os.path.join(layer, "runtime"))
        shutil.copy2(os.path.join(target.layer, "bootstrap"), layer)
        os.symlink(os.path.join(target.layer, "bin", "deno"), os.path.join(layer, "bin", "deno"))
        for f, text in run["layer_files"].items():
            with open(os.path.join(layer, f), "w") as fh:
                fh.write(text)
    argv = [os.path.join(layer, "bootstrap")]
    if run.get("shell"):
        argv = run["shell"] + argv
    if run.get("readonly"):
        argv, why = readonly_argv(task, argv)
        if argv is None:
            set_writable(task, True)
            report("%s: the task root is mounted read-only, as on Lambda" % label, [why])
            for srv in (api, modsrv, tripwire):
                if srv:
                    srv.stop()
            return
    p = start(argv, env, task, work)
    try:
        if "init_error" in run:
            check_init_error(label, run, api, p, names, work)
        if "exits" in run:
            check_exit(label, run, api, p, names, work)
        invocations = run.get("invocations", [])
        ids = []
        for i, inv in enumerate(invocations):
            if inv.get("sleep_before"):
                time.sleep(inv["sleep_before"])
            payload = inv["raw"].encode() if "raw" in inv else json.dumps(expand(inv.get("event", {}))).encode()
            rid = api.invoke(payload, timeout=inv.get("timeout", 300), trace_id=inv.get("trace_id", ""),
                             client_context=inv.get("client_context", ""), cognito_id=inv.get("cognito_id", ""),
                             cognito_pool=inv.get("cognito_pool", ""), tenant_id=inv.get("tenant_id", ""))
            names["REQUEST_ID_%d" % i] = rid
            ids.append(rid)
            if not run.get("together") and not check_invocation(label, inv, api, rid, p, names, work):
                break
        if run.get("together"):
            for inv, rid in zip(invocations, ids):
                check_invocation(label, inv, api, rid, p, names, work)
            check_overlap(label, run, api, ids)
    finally:
        stop(p)
        api.stop()
        if modsrv:
            modsrv.stop()
        if tripwire:
            tripwire.stop()
        if before is not None:
            # Writable again whatever happened, or a non-root user could not
            # remove the scratch directory.
            after = snapshot(task)
            set_writable(task, True)
    stdout = read(os.path.join(work, "stdout"))
    stderr = read(os.path.join(work, "stderr"))
    lines = stdout.split("\n")
    if any(k in run for k in ("stdout", "stdout_json", "stdout_not", "tagged_lines", "stdout_count")):
        errs = match_lines(subst(run.get("stdout", []), names), lines, "stdout")
        for pat, n in run.get("stdout_count", {}).items():
            hits = [line for line in lines if re.search(subst(pat, names, True), line)]
            if len(hits) != n:
                errs.append("%d stdout lines match %s, expected %d: %s" % (len(hits), pat, n, short(hits)))
        if "tagged_lines" in run:
            errs += tagged_line_errors(run["tagged_lines"], lines, names, len(run.get("invocations", [])))
        parsed = []
        for line in lines:
            try:
                parsed.append(json.loads(line))
            except ValueError:
                pass
        errs += match_lines(subst(run.get("stdout_json", []), names), parsed, "stdout JSON")
        if run.get("stdout_all_json"):
            bad = [line for line in lines if line and not isinstance(_try_json(line), dict)]
            if bad:
                errs.append("stdout lines that are not JSON objects: %s" % short(bad))
        for pat in run.get("stdout_not", []):
            hit = [line for line in lines if re.search(subst(pat, names, True), line)]
            if hit:
                errs.append("stdout should not match %s: %s" % (pat, short(hit)))
        report("%s: logs" % label, errs, ["stdout:"] + tail(stdout, 30))
    if tripwire:
        late = modsrv.requests[fetched:] if modsrv else []
        report("%s: no network attempt at all" % label,
               ["through the proxy: %s" % a for a in tripwire.attempts] +
               ["to the module server: %s" % r for r in late],
               tail(stderr))
    if before is not None:
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        report("%s: nothing written into the read-only task root" % label,
               ["changed: %s: (mode, size, mtime_ns) %s -> %s" % (c, before.get(c), after.get(c))
                for c in changed])
    for path in run.get("paths_exist", []):
        path = subst(path, names)
        report("%s: %s exists" % (label, path), [] if os.path.exists(path) else ["missing"])
    if "init_error" not in run and "exits" not in run:
        allowed = subst(run.get("stderr_allow", []), names, True)
        noise = [line for line in stderr.split("\n") if line and not any(re.search(a, line) for a in allowed)]
        report("%s: nothing unexpected on stderr" % label, ["stderr:"] + tail(stderr) if noise else [])


def _try_json(line):
    try:
        return json.loads(line)
    except ValueError:
        return None


def check_exit(label, run, api, p, names, work):
    """A start-up failure Deno handles itself: it exits, saying why."""
    errs = []
    code = wait_exit(p, EXIT_WAIT)
    if code is None:
        errs.append("the runtime did not exit within %ds" % EXIT_WAIT)
    elif code == 0:
        errs.append("the runtime exited with status 0")
    lines = (read(os.path.join(work, "stdout")) + read(os.path.join(work, "stderr"))).split("\n")
    errs += match_lines(subst(run["exits"], names), lines, "output")
    if any(r[1].endswith("/invocation/next") for r in api.state.requests):
        errs.append("the runtime asked for an invocation")
    report("%s: exits with status %s, saying why" % (label, code), errs, tail("\n".join(lines)))


def check_init_error(label, run, api, p, names, work):
    ie = api.wait_init_error(RESULT_WAIT)
    errs = []
    if ie is None:
        errs.append("no POST to /runtime/init/error")
    else:
        try:
            body = json.loads(ie["body"])
        except ValueError as e:
            body = None
            errs.append("init error body is not valid JSON (%s): %s" % (e, short(ie["body"].decode("utf-8", "replace"))))
        if body is not None:
            errs += match(subst(run["init_error"], names), body, "init error")
            errs += match({"errorType": {"$type": "string"}, "errorMessage": {"$type": "string"},
                           "stackTrace": {"$type": "array"}}, body, "init error")
            if ie["error_type"] != body.get("errorType"):
                errs.append("Lambda-Runtime-Function-Error-Type %s != errorType %s"
                            % (ie["error_type"], body.get("errorType")))
    code = wait_exit(p, EXIT_WAIT)
    if code is None:
        errs.append("the runtime did not exit within %ds of its init error" % EXIT_WAIT)
    elif code == 0:
        errs.append("the runtime exited with status 0 after an init error")
    nexts = [r for r in api.state.requests if r[1].endswith("/invocation/next")]
    if nexts:
        errs.append("the runtime asked for an invocation despite its init error")
    report("%s: init error" % label, errs, tail(read(os.path.join(work, "stdout")) + read(os.path.join(work, "stderr"))))


# --------------------------------------------------------------------------
# Checks that are code rather than data.

def feed(api, first, last, pad):
    """Invocations first..last of the memory test; their ids."""
    return [api.invoke(json.dumps({"n": n, "pad": pad}).encode()) for n in range(first, last + 1)]


def check_memory(target):
    """1,000 invocations of 16 KiB events; memory must not grow with them.

    Keeping every event would add over 14 MiB to the JS heap and more to the
    RSS. The RSS bound leaves room for what V8 and the allocator settle into
    on their own (4 to 9 MiB here; a bare fetch loop takes 15 to 25 MiB); the
    JS heap after a full GC is the sharp measure of a leak in the shim.
    """
    work = tempfile.mkdtemp(prefix="mem-", dir=target.tmp)
    task = os.path.join(work, "task")
    os.mkdir(task)
    with open(os.path.join(task, "mem.ts"), "w") as f:
        f.write("// Echoes the size of its event; on {gc: true}, collects and reports the JS heap.\n"
                "export function handler(e: { n: number; pad: string; gc?: boolean }) {\n"
                "  if (e.gc) {\n"
                "    (globalThis as unknown as { gc(): void }).gc();\n"
                "    return Deno.memoryUsage();\n"
                "  }\n"
                "  return { n: e.n, size: e.pad.length };\n"
                "}\n")
    pad = "x" * 16384
    label = "deno %s: 1,000 invocations in a row" % target.version

    # The shim, with gc() exposed through DENO_FLAGS.
    api = RuntimeAPI()
    env = target.env(api.address, "mem.handler", task)
    env["DENO_FLAGS"] = "--v8-flags=--expose-gc"
    p = start([os.path.join(target.layer, "bootstrap")], env, task, work)
    rss, heap, errs = {}, {}, []
    t0 = time.monotonic()
    try:
        ids = []
        for first, last in ((1, 100), (101, 1000)):
            ids += feed(api, first, last, pad)
            if not api.wait_completed(len(ids), 120):
                errs.append("only %d of %d invocations answered" % (api.state.completed, len(ids)))
                break
            rss[last] = vm_rss_kib(p.pid)
            r = await_result(api, api.invoke(b'{"gc": true}'), p)
            heap[last] = json.loads(r["body"])["heapUsed"] // 1024 if r and r["kind"] == "response" else None
        bad = sum(1 for n, rid in enumerate(ids, 1)
                  if not api.invocations[rid].result
                  or json.loads(api.invocations[rid].result["body"]) != {"n": n, "size": 16384})
        if bad or len(ids) != 1000:
            errs.append("%d of 1000 invocations did not answer {n, size} correctly" % (bad + 1000 - len(ids)))
    finally:
        stop(p)
        api.stop()
    took = time.monotonic() - t0
    report("%s (%.1f s)" % (label, took), errs, tail(read(os.path.join(work, "stderr"))))

    if None in heap.values() or len(heap) != 2:
        report("deno %s: JS heap stable over 1,000 invocations" % target.version, ["no heap measured: %s" % heap])
    else:
        growth = heap[1000] - heap[100]
        report("deno %s: JS heap after GC stable over 1,000 invocations (%d KiB at 100, %d KiB at 1000)"
               % (target.version, heap[100], heap[1000]),
               [] if growth <= 1024 else ["the heap grew by %d KiB (limit 1024 KiB)" % growth])
    if len(rss) != 2:
        report("deno %s: RSS stable over 1,000 invocations" % target.version, ["RSS not measured: %s" % rss])
    else:
        growth = rss[1000] - rss[100]
        report("deno %s: RSS at invocation 1000 within 16 MiB of invocation 100 (%d -> %d KiB, +%d KiB)"
               % (target.version, rss[100], rss[1000], growth),
               [] if growth <= 16 * 1024 else ["RSS grew by %d KiB" % growth])


def vm_rss_kib(pid):
    for line in read("/proc/%d/status" % pid).split("\n"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def check_api_failures(target):
    """The runtime must exit promptly when the Runtime API fails."""
    work = tempfile.mkdtemp(prefix="apifail-", dir=target.tmp)
    task = os.path.join(work, "task")
    os.mkdir(task)
    with open(os.path.join(task, "ok.ts"), "w") as f:
        f.write("export const handler = () => 'ok';\n")

    # A 500 from /next after one good invocation.
    api = RuntimeAPI()
    p = start([os.path.join(target.layer, "bootstrap")], target.env(api.address, "ok.handler", task), task, work)
    errs = []
    try:
        r = await_result(api, api.invoke(b"{}"), p)
        if r is None or r["body"] != b'"ok"':
            errs.append("first invocation: %s" % short(r and r["body"].decode()))
        api.fail_next(500)
        code = wait_exit(p, EXIT_WAIT)
        if code is None:
            errs.append("still running %ds after a 500 from /next" % EXIT_WAIT)
        elif code == 0:
            errs.append("exited with status 0")
        log = read(os.path.join(work, "stdout")) + read(os.path.join(work, "stderr"))
        if code is not None and "500" not in log:
            errs.append("no message naming the 500")
    finally:
        stop(p)
        api.stop()
    report("deno %s: exits promptly on a 500 from the Runtime API" % target.version, errs,
           tail(read(os.path.join(work, "stdout")) + read(os.path.join(work, "stderr"))))

    # Nothing listening at AWS_LAMBDA_RUNTIME_API.
    work2 = tempfile.mkdtemp(prefix="apigone-", dir=target.tmp)
    api = RuntimeAPI()
    address = api.address
    api.stop()
    t = time.monotonic()
    p = start([os.path.join(target.layer, "bootstrap")], target.env(address, "ok.handler", task), task, work2)
    errs = []
    try:
        code = wait_exit(p, EXIT_WAIT)
        if code is None:
            errs.append("still running %ds with no Runtime API" % EXIT_WAIT)
        elif code == 0:
            errs.append("exited with status 0")
        log = read(os.path.join(work2, "stdout")) + read(os.path.join(work2, "stderr"))
        if code is not None and "unreachable" not in log:
            errs.append("no message saying the Runtime API is unreachable")
    finally:
        stop(p)
    report("deno %s: exits promptly (%.1f s) when the Runtime API is unreachable"
           % (target.version, time.monotonic() - t), errs,
           tail(read(os.path.join(work2, "stdout")) + read(os.path.join(work2, "stderr"))))


def broken_layer(target, where, deno_from):
    """A copy of the layer whose bin/deno is deno_from (None: not executable;
    "real": the layer's own, with runtime/shim.ts missing)."""
    layer = os.path.join(where, "layer")
    os.makedirs(os.path.join(layer, "bin"))
    shutil.copytree(os.path.join(target.layer, "runtime"), os.path.join(layer, "runtime"))
    shutil.copy2(os.path.join(target.layer, "bootstrap"), os.path.join(layer, "bootstrap"))
    if deno_from == "real":
        os.remove(os.path.join(layer, "runtime", "shim.ts"))
        os.symlink(os.path.join(target.layer, "bin", "deno"), os.path.join(layer, "bin", "deno"))
    elif deno_from is None:
        with open(os.path.join(layer, "bin", "deno"), "w") as f:
            f.write("not a program\n")
        os.chmod(os.path.join(layer, "bin", "deno"), 0o644)
    else:
        os.symlink(deno_from, os.path.join(layer, "bin", "deno"))
    return layer


def check_bootstrap_failures(target, other_arch_deno):
    """When Deno cannot start at all, bootstrap itself sends the init error."""
    machine = os.uname().machine
    cases = [("bin/deno not executable", None, r"bin/deno is missing or not executable"),
             ("runtime/shim.ts missing", "real", r"runtime/shim\.ts is missing or not readable")]
    if other_arch_deno:
        cases.append(("bin/deno built for another architecture", other_arch_deno,
                      r"is built for (aarch64|x86_64) but this function runs on " + re.escape(machine)))
    for what, deno_from, pattern in cases:
        # A quote and a backslash in the path: the JSON must stay valid.
        where = tempfile.mkdtemp(prefix='boot"q\\', dir=target.tmp)
        layer = broken_layer(target, where, deno_from)
        for shell in (["dash"], ["bash", "--posix"]):
            api = RuntimeAPI()
            env = target.env(api.address, "mod.handler", where)
            p = start(shell + [os.path.join(layer, "bootstrap")], env, where, where)
            errs = []
            try:
                ie = api.wait_init_error(RESULT_WAIT)
                if ie is None:
                    errs.append("no POST to /runtime/init/error")
                else:
                    try:
                        body = json.loads(ie["body"])
                        errs += match({"errorType": "Runtime.InvalidEntrypoint",
                                       "errorMessage": {"$re": pattern}, "stackTrace": []}, body)
                        if layer not in body.get("errorMessage", ""):
                            errs.append("the message does not name %s exactly: %s" % (layer, body.get("errorMessage")))
                        if ie["error_type"] != "Runtime.InvalidEntrypoint":
                            errs.append("Lambda-Runtime-Function-Error-Type: %s" % ie["error_type"])
                    except ValueError as e:
                        errs.append("not valid JSON (%s): %s" % (e, ie["body"]))
                code = wait_exit(p, EXIT_WAIT)
                if code in (None, 0):
                    errs.append("bootstrap did not exit with a failure (%s)" % code)
            finally:
                stop(p)
                api.stop()
            report("bootstrap: %s, under %s: a JSON init error" % (what, shell[0]),
                   errs, tail(read(os.path.join(where, "stderr"))))


def check_types(target, top):
    """The exported types type-check a handler, and catch a wrong one."""
    work = tempfile.mkdtemp(prefix="types-", dir=target.tmp)
    shim = os.path.join(target.layer, "runtime", "shim.ts")
    with open(os.path.join(work, "deno.json"), "w") as f:
        json.dump({"imports": {"/opt/runtime/shim.ts": "file://" + shim}}, f)
    env = {"PATH": os.environ.get("PATH", ""), "DENO_DIR": target.deno_dir, "NO_COLOR": "1",
           "DENO_NO_UPDATE_CHECK": "1"}
    deno = os.path.join(target.layer, "bin", "deno")
    src = os.path.join(top, "tests", "runtime", "types")
    for name, good in (("good.ts", True), ("bad.ts", False)):
        shutil.copy(os.path.join(src, name), work)
        r = subprocess.run([deno, "check", "--config", os.path.join(work, "deno.json"), os.path.join(work, name)],
                           env=env, cwd=work, capture_output=True, timeout=120)
        text = (r.stdout + r.stderr).decode("utf-8", "replace")
        if good:
            report("deno %s: a handler typed with the layer's Context and Handler type-checks" % target.version,
                   [] if r.returncode == 0 else ["deno check failed"], tail(text))
        else:
            errs = []
            if r.returncode == 0:
                errs.append("deno check accepted a handler that misuses Context")
            elif "getRemainingTimeInMillis" not in text and "TS2" not in text:
                errs.append("failed, but not with the expected type error")
            report("deno %s: the types reject a handler that misuses Context" % target.version, errs, tail(text))
    modules = sorted(os.path.join(top, "runtime", f) for f in os.listdir(os.path.join(top, "runtime"))
                     if f.endswith(".ts"))
    for what, argv in (("type-check", ["check"]), ("pass deno lint", ["lint"]),
                       ("are formatted as deno fmt formats them", ["fmt", "--check"])):
        for files, which in (([shim], "the layer's runtime/shim.ts"), (modules, "the modules of runtime/")):
            r = subprocess.run([deno] + argv + ["--no-config"] + files, env=env, cwd=work, capture_output=True,
                               timeout=120)
            report("deno %s: %s %s" % (target.version, which, what),
                   [] if r.returncode == 0 else ["deno %s failed" % argv[0]], tail((r.stdout + r.stderr).decode()))


def check_server():
    """The test Runtime API answers as RIE does, byte for byte where it counts."""
    import http.client

    def request(api, method, path, body=b"", headers=None):
        c = http.client.HTTPConnection(api.address, timeout=RESULT_WAIT)
        c.request(method, "/2018-06-01/runtime" + path, body=body, headers=headers or {})
        r = c.getresponse()
        out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        c.close()
        return out

    def is_(desc, got, want):
        report("Runtime API server: " + desc, [] if got == want else ["got      %r" % (got,), "expected %r" % (want,)])

    ok = (202, b'{"status":"OK"}\n')
    forbidden = ('{"errorMessage":"State transition from %s to %s failed for runtime. '
                 'Error: State transition is not allowed","errorType":"InvalidStateTransition"}\n')

    api = RuntimeAPI("srv-fn")
    try:
        s, h, b = request(api, "POST", "/invocation/x/response", b"{}")
        is_("a response before any /next is 403 InvalidStateTransition",
            (s, b.decode()), (403, forbidden % ("Started", "InvocationResponse")))
        api.invoke(b'{"e":1}', timeout=7)
        t = time.time()
        s, h, b = request(api, "GET", "/invocation/next")
        rid = h.get("lambda-runtime-aws-request-id", "")
        is_("/next delivers the event with status 200", (s, b), (200, b'{"e":1}'))
        is_("/next sends only the headers that have a value",
            sorted(k for k in h if k.startswith("lambda-runtime-")),
            ["lambda-runtime-aws-request-id", "lambda-runtime-deadline-ms", "lambda-runtime-invoked-function-arn"])
        deadline = int(h.get("lambda-runtime-deadline-ms", "0"))
        report("Runtime API server: the deadline is now plus the function timeout, in epoch ms",
               [] if abs(deadline - (t + 7) * 1000) < 1500 else ["deadline %d, expected about %d" % (deadline, (t + 7) * 1000)])
        is_("/next names the function in the invoked ARN and defaults Content-Type",
            (h.get("lambda-runtime-invoked-function-arn"), h.get("content-type")),
            ("arn:aws:lambda:us-east-1:012345678912:function:srv-fn", "application/json"))
        s, h, b = request(api, "POST", "/invocation/stale-id/response", b"{}")
        is_("a response for a stale id is 400 InvalidRequestID",
            (s, b), (400, b'{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}\n'))
    finally:
        api.stop()

    api = RuntimeAPI()
    try:
        rid = api.invoke(b"{}")
        request(api, "GET", "/invocation/next")
        s, h, b = request(api, "POST", "/invocation/%s/response" % rid, b'"done"')
        is_("a response is 202 {\"status\":\"OK\"}", (s, b), ok)
        s, h, b = request(api, "POST", "/invocation/%s/response" % rid, b'"again"')
        is_("a second response, with no invocation in flight, is 403",
            (s, b.decode()), (403, forbidden % ("RuntimeResponseSentState", "InvocationResponse")))
        s, h, b = request(api, "POST", "/init/error", b"{}", {"Lambda-Runtime-Function-Error-Type": "X"})
        is_("an init error after /next is 403", (s, b.decode()), (403, forbidden % ("RuntimeResponseSentState", "InitError")))

        rid = api.invoke(b"{}", trace_id="Root=1-a", client_context='{"c":1}', cognito_id="id", cognito_pool="pool")
        s, h, b = request(api, "GET", "/invocation/next")
        is_("/next sends the trace id, client context and Cognito identity when there are some",
            (h.get("lambda-runtime-trace-id"), h.get("lambda-runtime-client-context"), h.get("lambda-runtime-cognito-identity")),
            ("Root=1-a", '{"c":1}', '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}'))
        s, h, b = request(api, "POST", "/invocation/%s/error" % rid, b'{"errorType":"E"}',
                          {"Lambda-Runtime-Function-Error-Type": "E"})
        r = api.invocations[rid].result
        is_("an error is 202 and keeps its type header", (s, b, r["kind"], r["headers"].get("lambda-runtime-function-error-type")),
            ok + ("error", "E"))

        rid = api.invoke(b"{}")
        request(api, "GET", "/invocation/next")
        s, h, b = request(api, "POST", "/invocation/%s/response" % rid, b"x" * MAX_PAYLOAD)
        is_("a response of exactly 6 MiB + 100 bytes is accepted", (s, b), ok)
        rid = api.invoke(b"{}")
        request(api, "GET", "/invocation/next")
        s, h, b = request(api, "POST", "/invocation/%s/response" % rid, b"x" * (MAX_PAYLOAD + 1))
        r = api.invocations[rid].result
        is_("one byte more is 413 RequestEntityTooLarge, and the invocation fails with Function.ResponseSizeTooLarge",
            (s, b, json.loads(r["body"])),
            (413, b'{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}\n',
             {"errorType": "Function.ResponseSizeTooLarge",
              "errorMessage": "Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes)."}))
    finally:
        api.stop()

    api = RuntimeAPI()
    try:
        s, h, b = request(api, "POST", "/init/error", b'{"errorType":"T"}', {"Lambda-Runtime-Function-Error-Type": "T"})
        is_("an init error before /next is 202", (s, b, api.state.init_error["error_type"]), ok + ("T",))
        s, h, b = request(api, "GET", "/invocation/next")
        is_("/next after an init error is 403", (s, b.decode()), (403, forbidden % ("InitError", "Ready")))
    finally:
        api.stop()


def check_arm64(arm_layer, tmp):
    """The arm64 layer's Deno runs, and serves an invocation through the
    layer's bootstrap and shim (under qemu-user on other machines)."""
    deno = os.path.join(arm_layer, "bin", "deno")
    layer = arm_layer
    prefix = []
    work = tempfile.mkdtemp(prefix="arm64-", dir=tmp)
    if os.uname().machine != "aarch64":
        qemu = shutil.which("qemu-aarch64")
        if qemu is None:
            report("arm64 layer: bin/deno --version runs under qemu-user",
                   ["qemu-aarch64 not found: apt-get install qemu-user libc6-arm64-cross libgcc-s1-arm64-cross"])
            return
        prefix = [qemu, "-L", "/usr/aarch64-linux-gnu"]
        # The same layer, but bin/deno starts the real one under qemu; the
        # wrapper is a script, so bootstrap's architecture check lets it be.
        layer = os.path.join(work, "layer")
        os.makedirs(os.path.join(layer, "bin"))
        shutil.copytree(os.path.join(arm_layer, "runtime"), os.path.join(layer, "runtime"))
        shutil.copy2(os.path.join(arm_layer, "bootstrap"), layer)
        with open(os.path.join(layer, "bin", "deno"), "w") as f:
            f.write('#!/bin/sh\nexec %s -L /usr/aarch64-linux-gnu %s "$@"\n' % (qemu, deno))
        os.chmod(os.path.join(layer, "bin", "deno"), 0o755)
    how = "under qemu-aarch64" if prefix else "natively"
    try:
        r = subprocess.run(prefix + [deno, "--version"], capture_output=True, timeout=120)
        text = (r.stdout + r.stderr).decode("utf-8", "replace")
        errs = [] if r.returncode == 0 and re.match(r"deno \d+\.\d+\.\d+", text) else ["exit %d" % r.returncode]
    except subprocess.TimeoutExpired:
        errs, text = ["timed out"], ""
    report("arm64 layer: bin/deno --version runs %s" % how, errs, tail(text))

    task = os.path.join(work, "task")
    os.mkdir(task)
    with open(os.path.join(task, "arch.ts"), "w") as f:
        f.write("export const handler = () => ({ arch: Deno.build.arch });\n")
    target = Target("arm64", layer, tmp)
    api = RuntimeAPI()
    p = start([os.path.join(layer, "bootstrap")], target.env(api.address, "arch.handler", task), task, work)
    try:
        r = await_result(api, api.invoke(b"{}"), p, 60)
        errs = ["no reply within 60 s"] if r is None else match({"$eq": {"arch": "aarch64"}}, json.loads(r["body"]))
    finally:
        stop(p)
        api.stop()
    report("arm64 layer: bootstrap and shim serve an invocation %s" % how, errs,
           tail(read(os.path.join(work, "stdout")) + read(os.path.join(work, "stderr"))))


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top-srcdir", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--layer", action="append", default=[], help="VERSION=DIR")
    ap.add_argument("--arm64-layer")
    ap.add_argument("--only", default="")
    ap.add_argument("--deps", required=True, help="tests/deps.sh's directory")
    args = ap.parse_args()
    global DEPS
    DEPS = args.deps

    def give_up(signum, frame):
        out("not ok - runtime driver finished within %ds" % SUITE_LIMIT)
        for p in list(CHILDREN):
            stop(p)
        sys.exit(1)
    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(SUITE_LIMIT)
    signal.signal(signal.SIGTERM, give_up)

    top = args.top_srcdir
    cases_dir = os.path.join(top, "tests", "runtime", "cases")
    cases = []
    for name in sorted(os.listdir(cases_dir)):
        with open(os.path.join(cases_dir, name, "case.json")) as f:
            cases.append((os.path.join(cases_dir, name), json.load(f)))
    targets = []
    for spec in args.layer:
        version, _, layer = spec.partition("=")
        targets.append(Target(version.lstrip("v"), os.path.abspath(layer), args.tmp))
    # The Deno of the other architecture, to start bootstrap on the wrong one.
    other_arch = None
    if os.uname().machine == "aarch64":
        other_arch = os.path.join(targets[0].layer, "bin", "deno") if targets else None
    elif args.arm64_layer:
        other_arch = os.path.join(args.arm64_layer, "bin", "deno")

    def wanted(name):
        return not args.only or args.only in name
    try:
        for t in targets:
            for case_dir, case in cases:
                for run in case["runs"]:
                    run_case(t, case_dir, case, run, top, args.only)
            if wanted("memory"):
                check_memory(t)
            if wanted("api"):
                check_api_failures(t)
            if wanted("types"):
                check_types(t, top)
        if wanted("server"):
            check_server()
        # Deno never runs in these, so one version is enough.
        if targets and wanted("bootstrap"):
            check_bootstrap_failures(targets[0], other_arch)
        if args.arm64_layer and wanted("arm64"):
            check_arm64(args.arm64_layer, args.tmp)
    finally:
        for p in list(CHILDREN):
            stop(p)


if __name__ == "__main__":
    main()
