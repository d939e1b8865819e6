"""Serves AWS credentials on loopback the way the ECS/EKS container
endpoint and the EC2 instance metadata service (IMDSv2) do.

    GET /creds                 container credentials; answers 401 unless
                               the Authorization header is TOKEN
    PUT /latest/api/token      an IMDSv2 session token (needs the header
                               X-aws-ec2-metadata-token-ttl-seconds)
    GET /latest/meta-data/iam/security-credentials/        the role name
    GET /latest/meta-data/iam/security-credentials/ROLE    its credentials
                               (both need X-aws-ec2-metadata-token)

The credentials come from CREDS_FILE: three lines, access key id, secret
and session token (may be empty). Each request is logged to LOG_FILE as
"METHOD PATH AUTH-OK".

usage: creds_server.py CREDS_FILE TOKEN PORT_FILE LOG_FILE
"""
import datetime
import http.server
import json
import os
import socketserver
import sys

CREDS, TOKEN, PORT_FILE, LOG = sys.argv[1:5]
ROLE = "cfngen-test-role"
IMDS_TOKEN = "imds-session-token-for-the-test"


def creds(token_key):
    with open(CREDS, encoding="utf-8") as f:
        key, secret, token = (f.read().split("\n") + ["", "", ""])[:3]
    expires = (datetime.datetime.now(datetime.timezone.utc) +
               datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    d = {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": key,
         "SecretAccessKey": secret, token_key: token, "Expiration": expires}
    return json.dumps(d).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", ctype="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log(self, ok):
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(f"{self.command} {self.path} {'ok' if ok else 'refused'}\n")

    def do_GET(self):
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path == "/creds":
            ok = self.headers.get("Authorization") == TOKEN
            self.log(ok)
            if ok:
                self.reply(200, creds("Token"), "application/json")
            else:
                self.reply(401, b"bad token")
            return
        ok = self.headers.get("X-aws-ec2-metadata-token") == IMDS_TOKEN
        self.log(ok)
        if not ok:
            self.reply(401)
        elif self.path == base:
            self.reply(200, ROLE.encode())
        elif self.path == base + ROLE:
            self.reply(200, creds("Token"), "application/json")
        else:
            self.reply(404)

    def do_PUT(self):
        ok = (self.path == "/latest/api/token" and
              self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"))
        self.log(bool(ok))
        if ok:
            self.reply(200, IMDS_TOKEN.encode())
        else:
            self.reply(400)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
srv.serve_forever()
