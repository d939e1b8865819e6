"""A loopback reverse proxy in front of moto_server that counts requests
and injects faults.

Every request is forwarded to the upstream unchanged (Host header
included, so SigV4 signatures stay valid) and logged, one line each:

    METHOD PATH REGION SIGNATURE STATUS

(REGION and SIGNATURE from the Authorization header, "-" without one;
STATUS is what the client got, or "reset"/"stall"). A CONNECT (a client
using this as its https_proxy) is logged as "CONNECT host:port" and
refused with 502, so a test can see which host a client wanted.

Faults are set through the proxy itself: POST /__faults__ with a body of
lines "METHOD ACTION COUNT" (COUNT a number or "forever"; an empty body
clears them). For the next COUNT requests with METHOD:
    503             answer 503 SlowDown-style after reading the body
    412             answer 412 PreconditionFailed after reading the body
                    (what S3 says to If-None-Match: * when the key exists)
    reset           read part of the body, then reset the connection
    stall           read part of the body, then stop reading (until the
                    client gives up, at most 60 s)
    status:CODE     answer CODE with no body (HEAD status:404: the key
                    looks absent, whatever moto holds)
    redirect:REGION answer 301 with x-amz-bucket-region: REGION
    region400:REGION  answer 400 AuthorizationHeaderMalformed naming the
                    region in the body only, as S3 does for a request
                    signed for the wrong region

usage: proxy.py UPSTREAM_PORT PORT_FILE LOG_FILE
(listens on a free 127.0.0.1 port and writes it to PORT_FILE)
"""
import http.client
import http.server
import os
import re
import socket
import socketserver
import struct
import sys
import threading
import time

UPSTREAM = ("127.0.0.1", int(sys.argv[1]))
LOG = sys.argv[3]
lock = threading.Lock()
faults = []     # [method, action, remaining or None for forever]


def log(line):
    with lock, open(LOG, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def take_fault(method):
    with lock:
        for f in faults:
            if f[0] == method and (f[2] is None or f[2] > 0):
                if f[2] is not None:
                    f[2] -= 1
                return f[1]
    return None


S3_503 = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown'
          b'</Code><Message>Please reduce your request rate.</Message>'
          b'<RequestId>FAULT503</RequestId></Error>')


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def auth(self):
        a = self.headers.get("Authorization", "")
        region = re.search(r"Credential=[^/]*/\d{8}/([^/]*)/", a)
        sig = re.search(r"Signature=([0-9a-f]{64})", a)
        return (region.group(1) if region else "-",
                sig.group(1) if sig else "-")

    def body_length(self):
        return int(self.headers.get("Content-Length") or 0)

    def read_body(self, limit=None):
        n = self.body_length() if limit is None else min(limit,
                                                         self.body_length())
        data = bytearray()
        while len(data) < n:
            chunk = self.rfile.read(min(1 << 16, n - len(data)))
            if not chunk:
                break
            data += chunk
        return bytes(data)

    def reply(self, status, headers=(), body=b""):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_CONNECT(self):
        log(f"CONNECT {self.path}")
        self.reply(502)
        self.close_connection = True

    def handle_any(self):
        if self.path == "/__faults__":
            spec = self.read_body().decode()
            with lock:
                faults.clear()
                for line in spec.splitlines():
                    if line.strip():
                        m, action, count = line.split()
                        faults.append([m, action, None if count ==
                                       "forever" else int(count)])
            self.reply(204)
            return
        region, sig = self.auth()
        what = f"{self.command} {self.path} {region} {sig}"
        fault = take_fault(self.command)
        if fault == "503":
            self.read_body()
            self.reply(503, [("Content-Type", "application/xml")], S3_503)
            log(f"{what} 503")
            return
        if fault == "412":
            self.read_body()
            body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'
                    b'PreconditionFailed</Code><Message>At least one of the '
                    b'pre-conditions you specified did not hold</Message>'
                    b'<Condition>If-None-Match</Condition></Error>')
            self.reply(412, [("Content-Type", "application/xml")], body)
            log(f"{what} 412")
            return
        if fault == "reset":
            self.read_body(self.body_length() // 3)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            log(f"{what} reset")
            return
        if fault == "stall":
            self.read_body(1 << 20)
            log(f"{what} stall")
            self.connection.settimeout(1)
            end = time.time() + 60
            while time.time() < end:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        break           # the client hung up
                except socket.timeout:
                    continue
                except OSError:
                    break
                time.sleep(0.2)
            self.close_connection = True
            return
        if fault is not None and fault.startswith("status:"):
            self.read_body()
            self.reply(int(fault[7:]))
            log(f"{what} {fault[7:]}")
            return
        if fault is not None and fault.startswith("redirect:"):
            self.read_body()
            body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'
                    b'PermanentRedirect</Code><Message>The bucket is in '
                    b'another region.</Message></Error>')
            self.reply(301, [("x-amz-bucket-region", fault[9:]),
                             ("Content-Type", "application/xml")], body)
            log(f"{what} 301")
            return
        if fault is not None and fault.startswith("region400:"):
            self.read_body()
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'
                    'AuthorizationHeaderMalformed</Code><Message>The '
                    f"authorization header is malformed; the region '{region}'"
                    f" is wrong; expecting '{fault[10:]}'</Message><Region>"
                    f'{fault[10:]}</Region></Error>').encode()
            self.reply(400, [("Content-Type", "application/xml")], body)
            log(f"{what} 400")
            return
        body = self.read_body()
        up = http.client.HTTPConnection(*UPSTREAM, timeout=120)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("connection", "keep-alive")}
        up.putrequest(self.command, self.path, skip_host=True,
                      skip_accept_encoding=True)
        for k, v in headers.items():
            up.putheader(k, v)
        up.endheaders(body if body or "Content-Length" in headers else None)
        resp = up.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "keep-alive",
                                 "transfer-encoding", "content-length",
                                 "server", "date"):
                self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length",
                             resp.getheader("Content-Length") or "0")
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        up.close()
        log(f"{what} {resp.status}")

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[2] + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(srv.server_address[1]))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    srv.serve_forever()


main()
