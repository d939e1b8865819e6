#!/usr/bin/env python3
"""A Deno release mirror on 127.0.0.1 that injects faults on request.

usage: server.py ROOT PORT LOG [TLS_PEM]

With TLS_PEM (a key and certificate in one PEM file) it speaks HTTPS.

Serves ROOT/<version>/<asset> as /<version>/<asset> (HTTP/1.1 keep-alive,
Accept-Ranges, a strong ETag, If-Range), and logs every request as one line
"METHOD PATH range=<Range or -> status=<code>" to LOG, before it answers: a
client that has its answer finds the line in LOG.

The log is cut into a test's steps by /_reset, not by time. Connections
are numbered as they are accepted, in the order the kernel queued them: a
client that has exited before the test asks for /_reset had every
connection it made queued before that request's. So each connection
belongs to the step that was current when it was accepted, and a request
of an earlier step (one its client gave up on, still waiting to be read,
accepted or logged) goes to LOG.late however late it is logged, never into
the step that LOG now holds.

Faults are chosen by the URL, so each test picks its own through
--deno-base-url and needs no control state:

  /f/<spec>/<version>/<asset>   serve <version>/<asset> with faults <spec>

<spec> is a comma-separated list of key=value:
  id=NAME        a tag: counters are kept per spec, so give each test its own
  on=zip|sum     apply only to the .zip or the .sha256sum (default: both)
  status=A.B.C   answer the first requests with these statuses (then serve)
  always=CODE    answer every request with CODE
  times=N        the byte faults below hit only the first N requests
  close=N        announce the full length, close after N body bytes
  stall=N        send N body bytes, then nothing for 60 s
  truncate=N     serve only the first N bytes (with a matching length)
  nolength=1     no Content-Length: the body ends when the connection closes
  norange=1      no Accept-Ranges, and Range is ignored (200, whole body)
  rate=N         send at most N bytes per second
  redirect=1     302 to /obj/... with a signed-looking query string
  delay=MS       wait before answering

Other paths (faults apply to them too, under /f/<spec>):
  PUT or POST to any path      reads the body (Content-Length), answers
                               "<length> <sha256>" and X-Got-Expect (the
                               Expect header received, or -)
  /echo                        answers the request headers, one per line
  /big/N                       answers N bytes
  /obj/<version>/<asset>?...   the redirect target (an "object store")
  /latest/<text>               answers <text> and a newline (release-latest.txt)
  /_count                      the number of lines in LOG (not logged)
  /_reset                      begins a step: empties LOG; lines of the
                               connections accepted before this request's go
                               to LOG.late from now on (not logged)
  /_quiet                      waits until every connection of this step
                               accepted before this request's will log no
                               more, then answers like /_count; 503 naming
                               them if that takes over 30 s (not logged): the
                               test calls it before it counts
"""
import hashlib
import os
import re
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]
QUIET_WAIT = 30
lock = threading.Lock()
changed = threading.Condition(lock)
counters = {}
logged = 0      # lines in LOG
accepted = 0    # connections accepted so far; each has its number
numbers = {}    # id(socket) -> its number, until its handler takes it
live = set()    # the numbers of the connections that may still log a line
floor = 0       # connections up to this number belong to earlier steps


def log(line, conn):
    global logged
    with lock:
        if conn > floor:
            logged += 1
            path = LOG
        else:
            path = LOG + ".late"
            line = "conn=%d %s" % (conn, line)
        with open(path, "a") as f:
            f.write(line + "\n")


def reset(conn):
    """Begins a step at connection conn (under lock)."""
    global floor, logged
    floor = conn
    logged = 0
    open(LOG, "w").close()


def parse_spec(spec):
    out = {}
    for item in spec.split(","):
        if "=" in item:
            k, v = item.split("=", 1)
            out[k] = v
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fetchtest/1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def setup(self):
        with lock:
            self.conn = numbers.pop(id(self.request))
        self.counted = True
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            self.release()

    def release(self):
        """This connection will log nothing more."""
        if self.counted:
            self.counted = False
            with lock:
                live.discard(self.conn)
                changed.notify_all()

    def send_response(self, code, message=None):
        # The log line is written before the answer goes out.
        self.status = code
        self.done()
        super().send_response(code, message)

    def do_HEAD(self):
        self.handle_request(head=True)

    def do_GET(self):
        self.handle_request(head=False)

    def do_PUT(self):
        self.handle_request(head=False)

    def do_POST(self):
        self.handle_request(head=False)

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head:
            self.wfile.write(body)
        self.status = code

    def done(self):
        if not self.logged:
            self.logged = True
            log("%s %s range=%s status=%s" % (
                self.command, self.path, self.headers.get("Range", "-"),
                self.status), self.conn)

    def handle_request(self, head):
        self.head = head
        self.status = 0
        self.logged = False
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if path in ("/_count", "/_quiet", "/_reset"):
            self.logged = True
            self.release()
            code, body = 200, b""
            with lock:
                if path == "/_reset":
                    reset(self.conn)
                if path == "/_quiet":
                    def pending():
                        return sorted(n for n in live
                                      if floor < n < self.conn)
                    changed.wait_for(lambda: not pending(), QUIET_WAIT)
                    if pending():
                        code, body = 503, b"connections %s still open " \
                            b"after %d s\n" % (str(pending()).encode(),
                                                QUIET_WAIT)
                if code == 200:
                    body = b"%d\n" % logged
            self.answer(code, body)
            return
        try:
            self.route(path, url.query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self.done()

    def route(self, path, query):
        if path.startswith("/latest/"):
            self.answer(200, path[len("/latest/"):].encode() + b"\n",
                        [("Content-Type", "text/plain")])
            return
        spec = {}
        key = ""
        m = re.match(r"^/f/([^/]*)(/.*)$", path)
        if m:
            spec = parse_spec(m.group(1))
            key = m.group(1)
            path = m.group(2)
        elif path.startswith("/obj/"):
            path = path[len("/obj"):]
        body = None
        if self.command in ("PUT", "POST"):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length) if length else b""
        rel = path.lstrip("/")
        if ".." in rel.split("/") or not rel:
            self.answer(400, b"bad path\n")
            return
        on = spec.get("on")
        if on == "zip" and not rel.endswith(".zip"):
            spec = {}
        if on == "sum" and not rel.endswith(".sha256sum"):
            spec = {}
        with lock:
            n = counters.get((key, rel), 0)
            counters[(key, rel)] = n + 1
        if "delay" in spec:
            time.sleep(int(spec["delay"]) / 1000)
        seq = [s for s in spec.get("status", "").split(".") if s]
        if n < len(seq):
            self.answer(int(seq[n]), b"injected %s\n" % seq[n].encode())
            return
        if "always" in spec:
            self.answer(int(spec["always"]), b"injected\n")
            return
        if body is not None:
            self.answer(200, b"%d %s\n" % (len(body), hashlib.sha256(
                body).hexdigest().encode()),
                [("X-Got-Expect", self.headers.get("Expect", "-")),
                 ("X-Request-Id", "req-%d" % n)])
            return
        if rel == "echo":
            self.answer(200, "".join("%s: %s\n" % (k, v) for k, v in
                                     self.headers.items()).encode())
            return
        if rel.startswith("big/"):
            self.answer(200, b"x" * int(rel[4:]))
            return
        if spec.get("redirect") == "1":
            target = ("/obj/%s?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                      "&X-Amz-Credential=AKIDSECRETCRED%%2F20260101"
                      "&X-Amz-Signature=SECRETSIGNATURE" % rel)
            self.answer(302, b"", [("Location", target)])
            return
        file = os.path.join(ROOT, rel)
        if not os.path.isfile(file):
            self.answer(404, b"Not Found\n")
            return
        with open(file, "rb") as f:
            data_len = os.fstat(f.fileno()).st_size
            st = os.fstat(f.fileno())
            etag = '"%x-%x"' % (st.st_size, int(st.st_mtime))
            faulty = n < int(spec.get("times", "1000000"))
            if "truncate" in spec:
                data_len = min(data_len, int(spec["truncate"]))
            start = 0
            rng = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            ranges = spec.get("norange") != "1"
            code = 200
            if rng and ranges and (if_range is None or if_range == etag):
                m = re.match(r"^bytes=(\d+)-$", rng)
                if not m or int(m.group(1)) >= data_len:
                    self.answer(416, b"", [("Content-Range",
                                            "bytes */%d" % data_len)])
                    return
                start = int(m.group(1))
                code = 206
            self.send_response(code)
            self.status = code
            self.send_header("Content-Type", "application/zip"
                             if rel.endswith(".zip") else "text/plain")
            self.send_header("ETag", etag)
            if ranges:
                self.send_header("Accept-Ranges", "bytes")
            if code == 206:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (
                    start, data_len - 1, data_len))
            if spec.get("nolength") == "1":
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(data_len - start))
            self.end_headers()
            if self.head:
                return
            limit = data_len - start
            cut = None
            if faulty and "close" in spec:
                cut = int(spec["close"])
            if faulty and "stall" in spec:
                cut = int(spec["stall"])
            rate = int(spec.get("rate", "0"))
            if cut is None and not rate:
                self.wfile.flush()
                self.connection.sendfile(f, start, limit)
                return
            f.seek(start)
            sent = 0
            began = time.time()
            end = limit if cut is None else min(cut, limit)
            while sent < end:
                chunk = f.read(min(65536, end - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
                if rate:
                    time.sleep(max(0, began + sent / rate - time.time()))
            self.wfile.flush()
            if cut is None:
                return
            if "stall" in spec and faulty:
                self.release()
                time.sleep(60)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def process_request(self, request, client_address):
        # The accept loop's thread, in the order connections were queued:
        # the number is given here, before the handler's thread exists.
        global accepted
        with lock:
            accepted += 1
            numbers[id(request)] = accepted
            live.add(accepted)
            n = accepted
        try:
            super().process_request(request, client_address)
        except Exception:
            with lock:
                numbers.pop(id(request), None)
                live.discard(n)
                changed.notify_all()
            raise


if __name__ == "__main__":
    open(LOG, "a").close()
    server = Server(("127.0.0.1", PORT), Handler)
    if len(sys.argv) > 4:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.serve_forever()
