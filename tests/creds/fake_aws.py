"""Loopback fakes of STS, SSO, SSO-OIDC, EC2 instance metadata and a
container credentials endpoint, for tests/creds.test.

They answer as AWS's API references document (STS's query protocol and
XML, SSO's and SSO-OIDC's REST-JSON, IMDSv2, the ECS credentials JSON),
verify the SigV4 signature of every signed STS call against the secret of
the access key that signed it, and log every call with the identity that
signed it, so the test can assert who signed what.

Identities: the base keys below, and every set of temporary credentials
the fakes hand out (an assumed role, a web-identity role, an SSO role, the
instance and the container roles). GetCallerIdentity answers the ARN of
the signing key: that is the identity under test.
"""
import datetime
import hashlib
import hmac
import json
import re
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = "123456789012"
# access key -> secret, session token (or None), ARN
KEYS = {}
LOG = []
LOCK = threading.Lock()
ISSUED_SECRETS = []
EXTERNAL_ID = "ext-id-42"


def base_key(akid, secret, arn, token=None):
    KEYS[akid] = (secret, token, arn)


def issue(arn):
    akid = "ASIA" + secrets.token_hex(8).upper()
    secret = "fake-secret-" + secrets.token_hex(12)
    token = "fake-session-token-" + secrets.token_hex(16)
    with LOCK:
        KEYS[akid] = (secret, token, arn)
        ISSUED_SECRETS.extend([secret, token])
    exp = (datetime.datetime.now(datetime.timezone.utc) +
           datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return akid, secret, token, exp


def log(**kw):
    with LOCK:
        LOG.append(kw)


def sigv4_check(method, path, headers, body):
    """The ARN of the signer, or (None, code) when the signature fails."""
    auth = headers.get("Authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/"
                 r"([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?"
                 r"Signature=([0-9a-f]{64})$", auth)
    if not m:
        return None, "MissingAuthenticationToken"
    akid, date, region, service, signed, sig = m.groups()
    if akid not in KEYS:
        return None, "InvalidClientTokenId"
    secret, token, arn = KEYS[akid]
    if token is not None and headers.get("X-Amz-Security-Token") != token:
        return None, "InvalidClientTokenId"
    names = signed.split(";")
    canon_headers = "".join(
        "%s:%s\n" % (n, " ".join((headers.get(n) or "").split()))
        for n in names)
    payload = hashlib.sha256(body).hexdigest()
    creq = "\n".join([method, path, "", canon_headers, signed, payload])
    amz_date = headers.get("X-Amz-Date", "")
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date,
                     "/".join([date, region, service, "aws4_request"]),
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig):
        return None, "SignatureDoesNotMatch"
    return arn, None


def role_name(role_arn):
    m = re.match(r"arn:aws:iam::(\d{12}):role/([\w+=,.@-]+)$", role_arn or "")
    return m.group(2) if m else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="text/xml", extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "fake-request-id")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def sts_error(self, status, code, msg):
        self.reply(status, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/"
                   "doc/2011-06-15/\"><Error><Type>Sender</Type><Code>%s</Code>"
                   "<Message>%s</Message></Error><RequestId>fake</RequestId>"
                   "</ErrorResponse>" % (code, msg))

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    # --- STS -------------------------------------------------------------
    def sts(self, raw):
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        action = form.get("Action")
        if action == "AssumeRoleWithWebIdentity":
            tok = form.get("WebIdentityToken", "")
            name = role_name(form.get("RoleArn"))
            log(service="sts", action=action, signer="web-identity-token",
                role=form.get("RoleArn"))
            if not re.match(r"^[\w-]+\.[\w-]+\.[\w-]+$", tok) or \
                    not tok.endswith("-good"):
                return self.sts_error(400, "InvalidIdentityToken",
                                      "the token is not valid")
            if name is None:
                return self.sts_error(400, "ValidationError", "bad RoleArn")
            return self.role_reply(action, name, form)
        arn, err = sigv4_check("POST", "/", self.headers, raw)
        if arn is None:
            log(service="sts", action=action, signer=None, error=err)
            return self.sts_error(403, err, "the signature was refused")
        if action == "GetCallerIdentity":
            log(service="sts", action=action, signer=arn)
            return self.reply(200, "<GetCallerIdentityResponse><GetCallerIdentityResult>"
                              "<Arn>%s</Arn><UserId>AIDAFAKE</UserId><Account>%s</Account>"
                              "</GetCallerIdentityResult></GetCallerIdentityResponse>"
                              % (arn, ACCOUNT))
        if action == "AssumeRole":
            name = role_name(form.get("RoleArn"))
            log(service="sts", action=action, signer=arn,
                role=form.get("RoleArn"), external_id=form.get("ExternalId"),
                duration=form.get("DurationSeconds"))
            if name is None:
                return self.sts_error(400, "ValidationError", "bad RoleArn")
            if name.startswith("denied"):
                return self.sts_error(403, "AccessDenied",
                                      "%s is not authorized to perform: "
                                      "sts:AssumeRole" % arn)
            if name.startswith("ext") and \
                    form.get("ExternalId") != EXTERNAL_ID:
                return self.sts_error(403, "AccessDenied",
                                      "the external id does not match")
            return self.role_reply(action, name, form)
        return self.sts_error(400, "InvalidAction", "not faked")

    def role_reply(self, action, name, form):
        session = form.get("RoleSessionName", "")
        arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, name, session)
        akid, secret, token, exp = issue(arn)
        self.reply(200, "<%sResponse><%sResult><Credentials>"
                   "<AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
                   "<SessionToken>%s</SessionToken><Expiration>%s</Expiration>"
                   "</Credentials><AssumedRoleUser><Arn>%s</Arn>"
                   "<AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser>"
                   "</%sResult></%sResponse>" % (action, action, akid, secret,
                                                 token, exp, arn, session,
                                                 action, action))

    # --- dispatch ----------------------------------------------------------
    def do_PUT(self):
        self.body()
        if self.path == "/latest/api/token":
            log(service="imds", action="token")
            return self.reply(200, "imds-session-token-fake", "text/plain")
        self.reply(404, "not found", "text/plain")

    def do_POST(self):
        raw = self.body()
        if self.path == "/token":
            return self.oidc(raw)
        if self.path == "/":
            return self.sts(raw)
        self.reply(404, "not found", "text/plain")

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        if u.path == "/federation/credentials":
            return self.sso(urllib.parse.parse_qs(u.query))
        if u.path.startswith("/latest/meta-data/iam/security-credentials/"):
            return self.imds(u.path.rsplit("/", 1)[1])
        if u.path == "/container-creds":
            return self.container()
        if u.path == "/container-redirect":
            log(service="container", action="redirect")
            return self.reply(302, "", "text/plain",
                              {"Location": "/container-creds"})
        self.reply(404, "not found", "text/plain")

    # --- SSO, SSO-OIDC -----------------------------------------------------
    def sso(self, q):
        tok = self.headers.get("x-amz-sso_bearer_token") or ""
        acct = (q.get("account_id") or [""])[0]
        role = (q.get("role_name") or [""])[0]
        log(service="sso", action="GetRoleCredentials", signer="sso-token",
            role="%s/%s" % (acct, role), token_ok=tok.startswith("sso-good"))
        if not tok.startswith("sso-good"):
            return self.reply(401, json.dumps({"message": "Session token not "
                              "found or invalid"}), "application/json",
                              {"x-amzn-ErrorType": "UnauthorizedException:"})
        arn = "arn:aws:sts::%s:assumed-role/AWSReservedSSO_%s_0123abcd/sso-user" % (
            acct, role)
        akid, secret, token, exp = issue(arn)
        ms = int(datetime.datetime.now().timestamp() * 1000) + 3600000
        self.reply(200, json.dumps({"roleCredentials": {
            "accessKeyId": akid, "secretAccessKey": secret,
            "sessionToken": token, "expiration": ms}}), "application/json")

    def oidc(self, raw):
        try:
            req = json.loads(raw)
        except ValueError:
            req = {}
        good = str(req.get("refreshToken", "")).startswith("refresh-good") \
            and req.get("grantType") == "refresh_token" and \
            req.get("clientSecret") == "client-secret-fake"
        log(service="sso-oidc", action="CreateToken", signer="refresh-token",
            ok=good)
        if not good:
            return self.reply(400, json.dumps({"error": "invalid_grant",
                              "error_description": "refresh refused"}),
                              "application/json",
                              {"x-amzn-ErrorType": "InvalidGrantException:"})
        new = "sso-good-refreshed-" + secrets.token_hex(8)
        with LOCK:
            ISSUED_SECRETS.append(new)
        self.reply(200, json.dumps({"accessToken": new, "expiresIn": 3600,
                                    "tokenType": "Bearer",
                                    "refreshToken": "refresh-good-2"}),
                   "application/json")

    # --- IMDS, container ---------------------------------------------------
    def imds(self, role):
        if self.headers.get("X-aws-ec2-metadata-token") != \
                "imds-session-token-fake":
            return self.reply(401, "", "text/plain")
        if role == "":
            return self.reply(200, "instance-role", "text/plain")
        log(service="imds", action="credentials")
        akid, secret, token, exp = issue(
            "arn:aws:sts::%s:assumed-role/instance-role/i-0fake" % ACCOUNT)
        self.reply(200, json.dumps({"Code": "Success", "Type": "AWS-HMAC",
                                    "AccessKeyId": akid,
                                    "SecretAccessKey": secret, "Token": token,
                                    "Expiration": exp}), "application/json")

    def container(self):
        if self.headers.get("Authorization") != "container-auth-token-fake":
            return self.reply(401, "no", "text/plain")
        log(service="container", action="credentials")
        akid, secret, token, exp = issue(
            "arn:aws:sts::%s:assumed-role/task-role/task-fake" % ACCOUNT)
        self.reply(200, json.dumps({"AccessKeyId": akid,
                                    "SecretAccessKey": secret, "Token": token,
                                    "Expiration": exp,
                                    "RoleArn": "arn:aws:iam::%s:role/task-role"
                                    % ACCOUNT}), "application/json")


def serve(port, ssl_ctx=None):
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    if ssl_ctx is not None:
        srv.socket = ssl_ctx.wrap_socket(srv.socket, server_side=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv
