"""A Lambda Runtime API server for tests, faithful to AWS's Runtime Interface
Emulator (github.com/aws/aws-lambda-runtime-interface-emulator, lambda/rapi
and lambda/core/states.go) where the runtime can tell the difference:

- the runtime state machine of RIE (Started, Ready, InvocationResponse,
  InvocationErrorResponse, RuntimeResponseSentState, InitError) and its
  403 InvalidStateTransition body for a transition it does not allow;
- 202 {"status":"OK"} on /response, /error and /init/error;
- 400 InvalidRequestID for an id that is not the invocation in flight;
- 413 RequestEntityTooLarge above 6 MiB + 100 bytes, the invocation then
  failing with Function.ResponseSizeTooLarge;
- /next sends only the Lambda-Runtime-* headers that have a value, the
  deadline being now plus the function timeout, in epoch milliseconds;
- bodies rendered as Go's json.Encoder does (field order, trailing newline),
  and sent as Go's net/http sends them (chunked above 2 KiB).

With concurrency N above 1 it serves as Lambda Managed Instances do, which
RIE does not emulate (AWS_LAMBDA_MAX_CONCURRENCY): up to N /next requests
may wait at once, each taking the next queued invocation, and every
invocation in flight may be answered, in any order; a /next beyond the
limit is refused with 403. It counts the /next requests outstanding and the
invocations in flight at once, so a test can tell overlap from sequence
(and that a runtime at concurrency 1 never has two /next outstanding).
An invocation may carry a tenant id (Lambda-Runtime-Aws-Tenant-Id).

Response streaming (Lambda-Runtime-Function-Response-Mode: streaming) is
read as chunked transfer with trailers, and each chunk's arrival time is
kept so a test can tell streaming from buffering.

Tests drive it in-process (RuntimeAPI.invoke / result); it never needs the
network beyond 127.0.0.1. Python 3 standard library only.
"""

import json
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from email.utils import formatdate

PREFIX = "/2018-06-01/runtime"
MAX_PAYLOAD = 6 * 1024 * 1024 + 100  # interop.MaxPayloadSize

STARTED = "Started"
INIT_ERROR = "InitError"
READY = "Ready"
INVOCATION_RESPONSE = "InvocationResponse"
INVOCATION_ERROR_RESPONSE = "InvocationErrorResponse"
RESPONSE_SENT = "RuntimeResponseSentState"

# Allowed transitions, from RIE's lambda/core/states.go.
TRANSITIONS = {
    (STARTED, READY), (STARTED, INIT_ERROR),
    (READY, READY), (READY, INVOCATION_RESPONSE), (READY, INVOCATION_ERROR_RESPONSE),
    (INVOCATION_RESPONSE, RESPONSE_SENT), (INVOCATION_ERROR_RESPONSE, RESPONSE_SENT),
    (RESPONSE_SENT, READY),
}


def go_json(obj):
    """Go's json.Encoder: compact, HTML-escaped, a trailing newline."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for c, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(c, esc)
    return (text + "\n").encode()


def error_response(error_type, message):
    # model.ErrorResponse declares errorMessage before errorType.
    return go_json({"errorMessage": message, "errorType": error_type})


class Invocation:
    def __init__(self, payload, timeout, trace_id, client_context,
                 cognito_id, cognito_pool, content_type, tenant_id=""):
        self.id = str(uuid.uuid4())
        self.tenant_id = tenant_id
        self.payload = payload
        self.timeout = timeout
        self.trace_id = trace_id
        self.client_context = client_context
        self.cognito_id = cognito_id
        self.cognito_pool = cognito_pool
        self.content_type = content_type
        self.deadline_ms = None
        self.delivered_at = None
        self.settled_at = None
        self.result = None


class State:
    def __init__(self, function_name, concurrency=1):
        self.cond = threading.Condition()
        self.concurrency = concurrency
        self.flying = {}          # concurrency > 1: id -> invocation in flight
        self.outstanding = 0      # /next requests waiting or being answered
        self.max_outstanding = 0
        self.max_flying = 0
        self.refused_next = 0
        self.accept_status = 202  # 200: as some Runtime API implementations answer
        self.function_name = function_name
        self.runtime_state = STARTED
        self.queue = []
        self.inflight = None
        self.reply_sent = False
        self.init_error = None
        self.requests = []
        self.next_status = None
        self.first_next_ns = None
        self.stopping = False
        self.completed = 0

    def transition(self, to):
        """None when allowed (and done), else the RIE 403 body."""
        if (self.runtime_state, to) in TRANSITIONS:
            self.runtime_state = to
            return None
        return error_response(
            "InvalidStateTransition",
            "State transition from %s to %s failed for runtime. Error: State transition is not allowed"
            % (self.runtime_state, to))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server = None  # set by the server class

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        # Replies go out in one write and at once: with Nagle's algorithm a
        # keep-alive client waits for a delayed ACK on every request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, body=b"", headers=()):
        # As Go's net/http answers for RIE: Date, Content-Type, no Server; a
        # body over 2 KiB written with no declared length (RAPID's /next) goes
        # out chunked (bufferBeforeChunkingSize), a smaller one with its length.
        head = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0]),
                "Date: " + formatdate(usegmt=True)]
        head += ["%s: %s" % kv for kv in headers]
        if len(body) > 2048:
            head.append("Transfer-Encoding: chunked")
            body = b"".join(b"%x\r\n%s\r\n" % (len(c), c)
                            for c in (body[i:i + 4096] for i in range(0, len(body), 4096))) + b"0\r\n\r\n"
        else:
            head.append("Content-Length: %d" % len(body))
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        self.wfile.flush()
        self.server.state.requests.append((self.command, self.path, status))

    def reply_json(self, status, body):
        self.reply(status, body, [("Content-Type", "application/json")])

    def read_body(self):
        """(body, chunks, chunk arrival times, trailers)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, times, trailers = [], [], {}
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ConnectionError("request body cut short")
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    break
                chunks.append(self.rfile.read(size))
                times.append(time.monotonic())
                self.rfile.readline()
            while True:
                line = self.rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
                k, _, v = line.decode("latin-1").partition(":")
                trailers[k.strip().lower()] = v.strip()
            return b"".join(chunks), chunks, times, trailers
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n), None, None, {}

    def do_GET(self):
        if self.path == PREFIX + "/invocation/next":
            return self.next()
        self.reply(404, b"404 page not found\n", [("Content-Type", "text/plain; charset=utf-8")])

    def do_POST(self):
        try:
            body, chunks, times, trailers = self.read_body()
        except (ConnectionError, ValueError):
            self.close_connection = True
            return
        path = self.path
        if path == PREFIX + "/init/error":
            return self.init_error(body)
        parts = path[len(PREFIX):].split("/") if path.startswith(PREFIX) else []
        # ['', 'invocation', '<id>', 'response'|'error']
        if len(parts) == 4 and parts[1] == "invocation" and parts[3] in ("response", "error"):
            return self.invocation_reply(parts[2], parts[3], body, chunks, times, trailers)
        self.reply(404, b"404 page not found\n", [("Content-Type", "text/plain; charset=utf-8")])

    def next(self):
        st = self.server.state
        with st.cond:
            st.outstanding += 1
            st.max_outstanding = max(st.max_outstanding, st.outstanding)
        try:
            if st.concurrency > 1:
                return self.next_concurrent(st)
            return self.next_one(st)
        finally:
            with st.cond:
                st.outstanding -= 1

    def next_concurrent(self, st):
        with st.cond:
            if st.outstanding > st.concurrency:
                st.refused_next += 1
                refused = error_response("TooManyRequests", "more than %d concurrent /next" % st.concurrency)
                inv = None
            else:
                refused = None
                while not st.queue and not st.stopping:
                    st.cond.wait(0.2)
                if st.stopping:
                    self.close_connection = True
                    return
                inv = st.queue.pop(0)
                now = time.time()
                inv.delivered_at = now
                inv.deadline_ms = int(now * 1000) + int(inv.timeout * 1000)
                st.flying[inv.id] = inv
                st.max_flying = max(st.max_flying, len(st.flying))
        if refused is not None:
            return self.reply_json(403, refused)
        self.send_invocation(st, inv)

    def next_one(self, st):
        with st.cond:
            if st.first_next_ns is None:
                st.first_next_ns = time.time_ns()
            refused = None
            denied = st.transition(READY)
            if denied is not None:
                refused = (403, denied)
            elif st.inflight is None or st.reply_sent:
                # (RIE renders the invocation in flight again to a runtime
                # that asks twice; otherwise it waits for the next one.)
                while not st.queue and not st.stopping and st.next_status is None:
                    st.cond.wait(0.2)
                if st.stopping:
                    self.close_connection = True
                    return
                if st.next_status is not None:
                    refused = (st.next_status, error_response("InternalServerError", "Internal Server Error"))
                    st.next_status = None
                else:
                    inv = st.queue.pop(0)
                    now = time.time()
                    inv.delivered_at = now
                    inv.deadline_ms = int(now * 1000) + int(inv.timeout * 1000)
                    st.inflight = inv
                    st.reply_sent = False
            inv = st.inflight
        if refused is not None:
            return self.reply_json(*refused)
        self.send_invocation(st, inv)

    def send_invocation(self, st, inv):
        headers = []
        for name, value in (
            ("Lambda-Runtime-Aws-Request-Id", inv.id),
            ("Lambda-Runtime-Trace-Id", inv.trace_id),
            ("Lambda-Runtime-Client-Context", inv.client_context),
            ("Lambda-Runtime-Cognito-Identity", self.cognito(inv)),
            ("Lambda-Runtime-Invoked-Function-Arn",
             "arn:aws:lambda:us-east-1:012345678912:function:%s" % st.function_name),
            ("Lambda-Runtime-Deadline-Ms", str(inv.deadline_ms)),
            ("Lambda-Runtime-Aws-Tenant-Id", inv.tenant_id),
        ):
            if value:
                headers.append((name, value))
        headers.append(("Content-Type", inv.content_type or "application/json"))
        self.reply(200, inv.payload, headers)

    @staticmethod
    def cognito(inv):
        if not inv.cognito_id and not inv.cognito_pool:
            return ""
        return json.dumps({"cognitoIdentityId": inv.cognito_id or "",
                           "cognitoIdentityPoolId": inv.cognito_pool or ""},
                          separators=(",", ":"))

    def init_error(self, body):
        st = self.server.state
        with st.cond:
            denied = st.transition(INIT_ERROR)
            if denied is None:
                st.init_error = {
                    "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                    "content_type": self.headers.get("Content-Type"),
                    "body": body,
                }
                st.cond.notify_all()
        if denied is not None:
            return self.reply_json(403, denied)
        self.reply_json(202, go_json({"status": "OK"}))

    def invocation_reply(self, rid, kind, body, chunks, times, trailers):
        st = self.server.state
        with st.cond:
            status, reply = self.settle(st, rid, kind, body, chunks, times, trailers)
        self.reply_json(status, reply)

    def settle(self, st, rid, kind, body, chunks, times, trailers):
        if st.concurrency > 1:
            inv = st.flying.pop(rid, None)
            if inv is None:
                return 400, error_response("InvalidRequestID", "Invalid request ID")
            return self.record(st, inv, kind, body, chunks, times, trailers)
        denied = st.transition(INVOCATION_RESPONSE if kind == "response" else INVOCATION_ERROR_RESPONSE)
        if denied is not None:
            return 403, denied
        inv = st.inflight
        if inv is None or inv.id != rid or st.reply_sent:
            # Like RIE, the state stays where the transition put it.
            return 400, error_response("InvalidRequestID", "Invalid request ID")
        st.reply_sent = True
        st.runtime_state = RESPONSE_SENT
        return self.record(st, inv, kind, body, chunks, times, trailers)

    def record(self, st, inv, kind, body, chunks, times, trailers):
        result = {
            "kind": kind,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
            "chunks": chunks,
            "chunk_times": times,
            "trailers": trailers,
        }
        status, reply = st.accept_status, go_json({"status": "OK"})
        if kind == "response" and chunks is None and len(body) > MAX_PAYLOAD:
            status = 413
            reply = error_response(
                "RequestEntityTooLarge",
                "Exceeded maximum allowed payload size (%d bytes)." % MAX_PAYLOAD)
            # The platform then fails the invocation itself (interop.ErrorResponseTooLarge).
            result.update(kind="error", rejected=413, body=json.dumps({
                "errorType": "Function.ResponseSizeTooLarge",
                "errorMessage": "Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes)."
                % (len(body), MAX_PAYLOAD)}, separators=(",", ":")).encode())
            result["headers"] = {"lambda-runtime-function-error-type": "Function.ResponseSizeTooLarge"}
        inv.result = result
        inv.settled_at = time.time()
        st.completed += 1
        st.cond.notify_all()
        return status, reply


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A runtime killed by the test while a reply is on its way is normal.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class RuntimeAPI:
    """The server, on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, function_name="test-function", concurrency=1):
        self.state = State(function_name, concurrency)
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.state = self.state
        self.address = "127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()
        self.invocations = {}

    def stop(self):
        with self.state.cond:
            self.state.stopping = True
            self.state.cond.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    def invoke(self, payload=b"{}", timeout=300, trace_id="", client_context="",
               cognito_id="", cognito_pool="", content_type="", tenant_id=""):
        """Queues an invocation; returns its request id."""
        inv = Invocation(payload, timeout, trace_id, client_context, cognito_id, cognito_pool, content_type,
                         tenant_id)
        with self.state.cond:
            self.invocations[inv.id] = inv
            self.state.queue.append(inv)
            self.state.cond.notify_all()
        return inv.id

    def result(self, rid, wait):
        """The runtime's reply to invocation rid, or None after wait seconds."""
        inv = self.invocations[rid]
        end = time.monotonic() + wait
        with self.state.cond:
            while inv.result is None and time.monotonic() < end:
                self.state.cond.wait(min(0.2, max(0.0, end - time.monotonic())))
            return inv.result

    def wait_completed(self, n, wait):
        end = time.monotonic() + wait
        with self.state.cond:
            while self.state.completed < n and time.monotonic() < end:
                self.state.cond.wait(min(0.2, max(0.0, end - time.monotonic())))
            return self.state.completed >= n

    def wait_init_error(self, wait):
        end = time.monotonic() + wait
        with self.state.cond:
            while self.state.init_error is None and time.monotonic() < end:
                self.state.cond.wait(min(0.2, max(0.0, end - time.monotonic())))
            return self.state.init_error

    def fail_next(self, status=500):
        """GET /next (the one waiting, or the next one) answers status, as a
        broken platform would."""
        with self.state.cond:
            self.state.next_status = status
            self.state.cond.notify_all()
