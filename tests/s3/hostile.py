"""A scriptable loopback server for the trust tests (tests/trust.test): it
plays S3, STS, a container credentials endpoint or a download mirror, and
answers the way a hostile or misdirected one would (redirects, forged
HEAD answers, a foreign bucket owner), as AWS's API reference documents
the real answers. It logs what it RECEIVED, so a test can prove that a
host got nothing at all.

Rules come from RULES_FILE, re-read on every request; the first line
whose METHOD, HOST (the Host header without its port) and PATH prefix
match (each may be "*") decides:

    redirect STATUS LOCATION [REGION]
                  STATUS with Location (a "{path}" in it becomes the
                  request's path) and, unless REGION is "-" or absent,
                  x-amz-bucket-region; an S3 error document names the
                  code (PermanentRedirect, TemporaryRedirect)
    s3            a small S3: PUT stores the body (412 for If-None-Match: *
                  on an existing key; 400 BadDigest when
                  x-amz-checksum-sha256 is not the body's), HEAD answers
                  404 or 200 with Content-Length and, with
                  x-amz-checksum-mode: ENABLED, the stored
                  x-amz-checksum-sha256
    head200 SIZE [CHECKSUM]
                  HEAD: 200 with Content-Length SIZE and, if given, that
                  x-amz-checksum-sha256 (whatever the checksum mode)
    owner ACCOUNT when x-amz-expected-bucket-owner is sent and is not
                  ACCOUNT: 403 AccessDenied, as S3 answers; else the next
                  rule decides
    region REGION when the credential scope names another region: 400
                  AuthorizationHeaderMalformed naming REGION, as S3 answers
                  a request signed for the wrong region; else the next rule
                  decides
    status CODE [S3CODE]
                  CODE with an S3 error document
    sts ACCOUNT   a GetCallerIdentity answer for ACCOUNT
    creds         container credentials (AccessKeyId AKIAHOSTILE...)
    file PATH     GET: the file's bytes

No rule matches: 404. Rules that differ from the last ones read (the
next case of a test) start with an empty store. Each request is logged as one JSON line: method,
host, path, tls, the credential scope's region, whether Authorization and
x-amz-security-token were present, x-amz-expected-bucket-owner,
x-amz-checksum-mode, If-None-Match, the body's length and the status.

usage: hostile.py NAME RULES_FILE LOG_FILE PORT_FILE [PORT [CERT KEY]]
(PORT 0 or absent: a free port; with CERT and KEY it speaks TLS)
"""
import base64
import hashlib
import http.server
import json
import os
import re
import socketserver
import ssl
import sys
import threading

NAME, RULES, LOG, PORT_FILE = sys.argv[1:5]
PORT = int(sys.argv[5]) if len(sys.argv) > 5 else 0
TLS = sys.argv[6:8] if len(sys.argv) > 7 else None
lock = threading.Lock()
objects = {}    # (host, path) -> body


def s3_error(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'
            f'{code}</Code><Message>{message}</Message><RequestId>'
            f'HOSTILE{NAME.upper()}</RequestId></Error>').encode()


last_rules = [None]


def rules():
    """The rules; new rules (the next case of a test) empty the store."""
    try:
        with open(RULES, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = ""
    with lock:
        if text != last_rules[0]:
            objects.clear()
            last_rules[0] = text
    return [ln.split() for ln in text.splitlines() if ln.strip() and
            not ln.startswith("#")]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = bytearray()
        while len(data) < n:
            chunk = self.rfile.read(min(1 << 16, n - len(data)))
            if not chunk:
                break
            data += chunk
        return bytes(data)

    def log_once(self, status):
        # The log line is written before the answer goes out, so a client's
        # next request can never be logged ahead of this one.
        self.status = status
        if not self.logged:
            self.logged = True
            self.log_request_line(self.data)

    def reply(self, status, headers=(), body=b""):
        self.log_once(status)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_request_line(self, data):
        h = self.headers
        auth = h.get("Authorization", "")
        m = re.search(r"Credential=[^/]*/\d{8}/([^/]*)/([^/]*)/", auth)
        rec = {"server": NAME, "method": self.command, "host": self.host,
               "path": self.path, "tls": TLS is not None,
               "region": m.group(1) if m else None,
               "service": m.group(2) if m else None,
               "auth": "Authorization" in h,
               "token": "x-amz-security-token" in h,
               "owner": h.get("x-amz-expected-bucket-owner"),
               "checksum_mode": h.get("x-amz-checksum-mode"),
               "if_none_match": h.get("If-None-Match"),
               "body": len(data), "status": self.status}
        with lock, open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")

    def handle_any(self):
        self.host = (self.headers.get("Host") or "").rsplit(":", 1)[0] \
            if not (self.headers.get("Host") or "").startswith("[") \
            else self.headers.get("Host")
        self.status = 0
        self.logged = False
        data = self.data = self.body()
        try:
            self.decide(data)
        finally:
            if not self.logged:
                self.log_request_line(data)

    def decide(self, data):
        for r in rules():
            method, host, prefix, action, args = r[0], r[1], r[2], r[3], \
                r[4:]
            if method not in ("*", self.command) or \
                    host not in ("*", self.host) or \
                    (prefix != "*" and not self.path.startswith(prefix)):
                continue
            if action == "owner":
                got = self.headers.get("x-amz-expected-bucket-owner")
                if got is not None and got != args[0]:
                    self.reply(403, [("Content-Type", "application/xml")],
                               s3_error("AccessDenied", "Access Denied"))
                    return
                continue
            if action == "region":
                m = re.search(r"Credential=[^/]*/\d{8}/([^/]*)/",
                              self.headers.get("Authorization", ""))
                if not m or m.group(1) != args[0]:
                    self.reply(400, [("Content-Type", "application/xml")],
                               s3_error("AuthorizationHeaderMalformed",
                                        "the region is wrong; expecting "
                                        f"'{args[0]}'").replace(
                                   b"</Error>", f"<Region>{args[0]}"
                                   "</Region></Error>".encode()))
                    return
                continue
            getattr(self, "do_" + action)(data, *args)
            return
        self.reply(404, [("Content-Type", "application/xml")],
                   s3_error("NoSuchKey", "no rule matched"))

    def do_redirect(self, data, status, location, region="-"):
        status = int(status)
        code = {301: "PermanentRedirect", 307: "TemporaryRedirect"}.get(
            status, "Redirect")
        headers = [("Location", location.replace("{path}", self.path)),
                   ("Content-Type", "application/xml")]
        if region != "-":
            headers.append(("x-amz-bucket-region", region))
        self.reply(status, headers, s3_error(code, "Please re-send this "
                                             "request to the specified "
                                             "endpoint."))

    def do_s3(self, data):
        key = (self.host, self.path)
        if self.command == "PUT":
            digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
            sent = self.headers.get("x-amz-checksum-sha256")
            if self.headers.get("If-None-Match") == "*" and key in objects:
                self.reply(412, [("Content-Type", "application/xml")],
                           s3_error("PreconditionFailed", "At least one of "
                                    "the pre-conditions you specified did "
                                    "not hold"))
            elif sent is not None and sent != digest:
                self.reply(400, [("Content-Type", "application/xml")],
                           s3_error("BadDigest", "The SHA256 you specified "
                                    "did not match the calculated "
                                    "checksum."))
            else:
                with lock:
                    objects[key] = (data, sent is not None)
                self.reply(200, [("x-amz-checksum-sha256", digest)]
                           if sent else [])
            return
        if self.command == "HEAD":
            if key not in objects:
                self.reply(404)
                return
            body, summed = objects[key]
            headers = [("Content-Length", str(len(body)))]
            if summed and self.headers.get("x-amz-checksum-mode") == \
                    "ENABLED":
                headers.append(("x-amz-checksum-sha256", base64.b64encode(
                    hashlib.sha256(body).digest()).decode()))
            self.log_once(200)
            self.send_response(200)
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            return
        self.reply(405)

    def do_head200(self, data, size, checksum=None):
        self.log_once(200)
        self.send_response(200)
        self.send_header("Content-Length", size)
        if checksum:
            self.send_header("x-amz-checksum-sha256", checksum)
        self.end_headers()

    def do_status(self, data, code, s3code="Error"):
        self.reply(int(code), [("Content-Type", "application/xml")],
                   s3_error(s3code, "as the test asked"))

    def do_sts(self, data, account):
        body = ('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/'
                'doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::'
                f'{account}:user/hostile</Arn><UserId>AIDAHOSTILE</UserId>'
                f'<Account>{account}</Account></GetCallerIdentityResult>'
                '<ResponseMetadata><RequestId>hostile</RequestId>'
                '</ResponseMetadata></GetCallerIdentityResponse>').encode()
        self.reply(200, [("Content-Type", "text/xml")], body)

    def do_creds(self, data):
        body = json.dumps({"AccessKeyId": "AKIAHOSTILE000000000",
                           "SecretAccessKey": "hostile-secret",
                           "Token": "hostile-token",
                           "Expiration": "2999-01-01T00:00:00Z"}).encode()
        self.reply(200, [("Content-Type", "application/json")], body)

    def do_file(self, data, path):
        with open(path, "rb") as f:
            self.reply(200, [("Content-Type", "application/octet-stream")],
                       f.read())

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", PORT), Handler)
if TLS:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(TLS[0], TLS[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(PORT_FILE + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
srv.serve_forever()
