"""The differential corpus of tests/creds.test: every configuration runs
through the AWS CLI v2 (`aws sts get-caller-identity`) and through
cfngen's credential chain (tests/creds_whoami, the code of
gen/credentials.c), both against the loopback fakes of fake_aws.py, each
in its own copy of a throwaway HOME. Asserted per case: both pick the same
identity or both fail (and that identity is the one the case expects),
both made the same STS/SSO calls signed by the same identities, and no
secret of the case appears in cfngen's output at -vv.

The AWS CLI of Debian 12 (2.9) predates AWS_ENDPOINT_URL_<SERVICE>, so it
reaches the fakes through the real host names: the caller runs this in
private namespaces where /etc/hosts sends sts/portal.sso/oidc
.us-east-1.amazonaws.com to 127.0.0.1 and a TLS server with a test CA
(AWS_CA_BUNDLE) listens on port 443. cfngen is pointed at the same
fakes with AWS_ENDPOINT_URL_STS, _SSO and _SSO_OIDC.

usage: diff.py WHOAMI AWS TMPDIR CA.pem SRV.pem SRV.key
"""
import datetime
import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_aws as F  # noqa: E402

WHOAMI, AWS, TMP, CA, CERT, KEY = sys.argv[1:7]
ACCT = F.ACCOUNT


def iam(user):
    return "arn:aws:iam::%s:user/%s" % (ACCT, user)


F.base_key("AKIAENV0000000000001", "env-secret-1", iam("env-user"))
F.base_key("AKIACREDFILE00000001", "credfile-secret-1", iam("credfile-user"))
F.base_key("AKIACREDTOKEN0000001", "credtoken-secret-1", iam("credtoken-user"),
           token="legacy-security-token-1")
F.base_key("AKIACONFIG0000000001", "config-secret-1", iam("config-user"))
F.base_key("AKIABASE000000000001", "base-secret-1", iam("base-user"))
F.base_key("AKIAPROCESS000000001", "process-secret-1", iam("process-user"))
F.base_key("AKIADEV0000000000001", "dev-secret-1", iam("dev-user"))
STATIC_SECRETS = ["env-secret-1", "credfile-secret-1", "credtoken-secret-1",
                  "legacy-security-token-1", "config-secret-1",
                  "base-secret-1", "process-secret-1", "dev-secret-1",
                  "sso-good-token-1", "sso-stale-token-1", "sso-expired-1",
                  "refresh-good-1", "refresh-bad-1", "client-secret-fake",
                  "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.sig-good",
                  "container-auth-token-fake", "imds-session-token-fake",
                  "container-query-secret-1"]

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
F.serve(443, ctx)
http_srv = F.serve(0)
PORT = http_srv.server_address[1]
LOCAL = "http://127.0.0.1:%d" % PORT


def ts(delta_s):
    t = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(seconds=delta_s)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha1(s):
    return hashlib.sha1(s.encode()).hexdigest()


START = "https://fake.awsapps.com/start"
PROC = ("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
        "\"AKIAPROCESS000000001\", \"SecretAccessKey\": \"process-secret-1\"}'\n")
FAILPROC = "#!/bin/sh\necho 'process says no' >&2\nexit 1\n"
JWT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.sig-good"
ENV_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAENV0000000000001",
            "AWS_SECRET_ACCESS_KEY": "env-secret-1"}
CONTAINER = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": LOCAL + "/container-creds",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token-fake"}
BASE = "[base]\naws_access_key_id = AKIABASE000000000001\n" \
       "aws_secret_access_key = base-secret-1\n"


def sso_token(access, expires, refresh=None):
    d = {"startUrl": START, "region": "us-east-1", "accessToken": access,
         "expiresAt": expires}
    if refresh:
        d.update({"refreshToken": refresh, "clientId": "client-id-fake",
                  "clientSecret": "client-secret-fake",
                  "registrationExpiresAt": ts(86400 * 30)})
    return json.dumps(d)


SSO_SESSION_CFG = ("[default]\nsso_session = corp\nsso_account_id = %s\n"
                   "sso_role_name = Uploader\n[sso-session corp]\n"
                   "sso_start_url = %s\nsso_region = us-east-1\n"
                   "sso_registration_scopes = sso:account:access\n"
                   % (ACCT, START))
SSO_LEGACY_CFG = ("[default]\nsso_start_url = %s\nsso_region = us-east-1\n"
                  "sso_account_id = %s\nsso_role_name = Uploader\n"
                  % (START, ACCT))
SESS = ".aws/sso/cache/%s.json" % sha1("corp")
LEGACY = ".aws/sso/cache/%s.json" % sha1(START)


def role(name):
    return "arn:aws:iam::%s:role/%s" % (ACCT, name)


def assumed(name, session="botocore-session-N"):
    return "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, name, session)


SSO_ARN = "arn:aws:sts::%s:assumed-role/AWSReservedSSO_Uploader_0123abcd/" \
          "sso-user" % ACCT
INSTANCE = assumed("instance-role", "i-0fake")
TASK = assumed("task-role", "task-fake")

# name, files (path under HOME -> text), env, --profile, expected ARN or None
CASES = [
    ("env-keys", {}, ENV_KEYS, None, iam("env-user")),
    ("env-over-credentials-file",
     {".aws/credentials": "[default]\naws_access_key_id = AKIACREDFILE00000001\n"
      "aws_secret_access_key = credfile-secret-1\n"}, ENV_KEYS, None,
     iam("env-user")),
    ("profile-flag-drops-env-keys",
     {".aws/credentials": "[dev]\naws_access_key_id = AKIADEV0000000000001\n"
      "aws_secret_access_key = dev-secret-1\n"}, ENV_KEYS, "dev",
     iam("dev-user")),
    ("credentials-file",
     {".aws/credentials": "[default]\naws_access_key_id = AKIACREDFILE00000001\n"
      "aws_secret_access_key = credfile-secret-1\n"}, {}, None,
     iam("credfile-user")),
    ("credentials-file-aws-security-token",
     {".aws/credentials": "[default]\naws_access_key_id = AKIACREDTOKEN0000001\n"
      "aws_secret_access_key = credtoken-secret-1\n"
      "aws_security_token = legacy-security-token-1\n"}, {}, None,
     iam("credtoken-user")),
    ("config-file-static-keys",
     {".aws/config": "[default]\naws_access_key_id = AKIACONFIG0000000001\n"
      "aws_secret_access_key = config-secret-1\n"}, {}, None,
     iam("config-user")),
    ("credentials-file-over-config-file",
     {".aws/credentials": "[default]\naws_access_key_id = AKIACREDFILE00000001\n"
      "aws_secret_access_key = credfile-secret-1\n",
      ".aws/config": "[default]\naws_access_key_id = AKIACONFIG0000000001\n"
      "aws_secret_access_key = config-secret-1\n"}, {}, None,
     iam("credfile-user")),
    ("credential-process-over-config-static-keys",
     {".aws/config": "[default]\naws_access_key_id = AKIACONFIG0000000001\n"
      "aws_secret_access_key = config-secret-1\n"
      "credential_process = @HOME@/proc.sh\n", "proc.sh": PROC}, {}, None,
     iam("process-user")),
    ("credential-process-failing-imds-reachable",
     {".aws/config": "[default]\ncredential_process = @HOME@/fail.sh\n",
      "fail.sh": FAILPROC}, {}, None, None),
    ("assume-role-source-profile",
     {".aws/credentials": BASE,
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = base\n"
      % role("uploader")}, {}, None, assumed("uploader")),
    ("assume-role-chain-of-three",
     {".aws/credentials": BASE,
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = middle\n"
      "[profile middle]\nrole_arn = %s\nsource_profile = base\n"
      "role_session_name = mid\n" % (role("uploader"), role("middle-role"))},
     {}, None, assumed("uploader")),
    ("assume-role-cycle",
     {".aws/config": "[default]\nrole_arn = %s\nsource_profile = a\n"
      "[profile a]\nrole_arn = %s\nsource_profile = b\n"
      "[profile b]\nrole_arn = %s\nsource_profile = a\n"
      % (role("uploader"), role("a-role"), role("b-role"))}, {}, None, None),
    ("assume-role-source-profile-is-itself",
     {".aws/credentials": "[default]\naws_access_key_id = AKIABASE000000000001\n"
      "aws_secret_access_key = base-secret-1\n",
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = default\n"
      % role("uploader")}, {}, None, assumed("uploader")),
    ("assume-role-credential-source-environment",
     {".aws/config": "[profile ci]\nrole_arn = %s\n"
      "credential_source = Environment\n" % role("uploader")}, ENV_KEYS, "ci",
     assumed("uploader")),
    ("assume-role-credential-source-imds",
     {".aws/config": "[default]\nrole_arn = %s\n"
      "credential_source = Ec2InstanceMetadata\n" % role("uploader")}, {},
     None, assumed("uploader")),
    ("assume-role-credential-source-container",
     {".aws/config": "[default]\nrole_arn = %s\n"
      "credential_source = EcsContainer\n" % role("uploader")}, CONTAINER,
     None, assumed("uploader")),
    ("assume-role-external-id-session-duration",
     {".aws/credentials": BASE,
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = base\n"
      "external_id = %s\nrole_session_name = deploy-1\n"
      "duration_seconds = 1800\n" % (role("ext-uploader"), F.EXTERNAL_ID)},
     {}, None, assumed("ext-uploader", "deploy-1")),
    ("assume-role-denied-imds-reachable",
     {".aws/credentials": BASE,
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = base\n"
      % role("denied-role")}, {}, None, None),
    ("assume-role-missing-source-profile",
     {".aws/config": "[default]\nrole_arn = %s\nsource_profile = nowhere\n"
      % role("uploader")}, {}, None, None),
    ("assume-role-over-static-keys-in-profile",
     {".aws/credentials": BASE + "[default]\naws_access_key_id = "
      "AKIACREDFILE00000001\naws_secret_access_key = credfile-secret-1\n",
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = base\n"
      % role("uploader")}, {}, None, assumed("uploader")),
    ("env-keys-over-assume-role",
     {".aws/credentials": BASE,
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = base\n"
      % role("uploader")}, ENV_KEYS, None, iam("env-user")),
    ("mfa-serial-without-terminal",
     {".aws/credentials": BASE,
      ".aws/config": "[default]\nrole_arn = %s\nsource_profile = base\n"
      "mfa_serial = arn:aws:iam::%s:mfa/dev\n" % (role("uploader"), ACCT)},
     {}, None, None),
    ("web-identity-environment",
     {"token.jwt": JWT},
     {"AWS_ROLE_ARN": role("ci-role"),
      "AWS_WEB_IDENTITY_TOKEN_FILE": "@HOME@/token.jwt",
      "AWS_ROLE_SESSION_NAME": "gha-run"}, None,
     assumed("ci-role", "gha-run")),
    ("web-identity-profile",
     {"token.jwt": JWT,
      ".aws/config": "[default]\nrole_arn = %s\n"
      "web_identity_token_file = @HOME@/token.jwt\n"
      "role_session_name = eks-pod\n" % role("pod-role")}, {}, None,
     assumed("pod-role", "eks-pod")),
    ("web-identity-malformed-token-imds-reachable",
     {"token.jwt": "this is not a jwt\n"},
     {"AWS_ROLE_ARN": role("ci-role"),
      "AWS_WEB_IDENTITY_TOKEN_FILE": "@HOME@/token.jwt"}, None, None),
    ("web-identity-over-sso-in-profile",
     {"token.jwt": JWT, SESS: sso_token("sso-good-token-1", ts(3600)),
      ".aws/config": SSO_SESSION_CFG.replace(
          "[default]\n", "[default]\nrole_arn = %s\n"
          "web_identity_token_file = @HOME@/token.jwt\n"
          "role_session_name = wi\n" % role("pod-role"))}, {}, None,
     assumed("pod-role", "wi")),
    ("sso-session-cached-token",
     {".aws/config": SSO_SESSION_CFG,
      SESS: sso_token("sso-good-token-1", ts(3600))}, {}, None, SSO_ARN),
    ("sso-legacy-cached-token",
     {".aws/config": SSO_LEGACY_CFG,
      LEGACY: sso_token("sso-good-token-1", ts(3600))}, {}, None, SSO_ARN),
    ("sso-session-expired-token-refreshed",
     {".aws/config": SSO_SESSION_CFG,
      SESS: sso_token("sso-stale-token-1", ts(-600), "refresh-good-1")},
     {}, None, SSO_ARN),
    ("sso-session-expired-refresh-refused",
     {".aws/config": SSO_SESSION_CFG,
      SESS: sso_token("sso-stale-token-1", ts(-600), "refresh-bad-1")},
     {}, None, None),
    ("sso-legacy-expired-token",
     {".aws/config": SSO_LEGACY_CFG,
      LEGACY: sso_token("sso-expired-1", ts(-600))}, {}, None, None),
    ("sso-no-token-imds-reachable",
     {".aws/config": SSO_SESSION_CFG}, {}, None, None),
    ("sso-cache-not-json",
     {".aws/config": SSO_SESSION_CFG, SESS: "{\"accessToken\": "}, {}, None,
     None),
    ("sso-cache-missing-fields",
     {".aws/config": SSO_SESSION_CFG,
      SESS: json.dumps({"startUrl": START, "region": "us-east-1",
                        "expiresAt": ts(3600)})}, {}, None, None),
    ("sso-token-refused-by-portal",
     {".aws/config": SSO_LEGACY_CFG,
      LEGACY: sso_token("sso-revoked-token", ts(3600))}, {}, None, None),
    ("container-full-uri", {}, CONTAINER, None, TASK),
    ("container-full-uri-query-never-printed", {},
     dict(CONTAINER, AWS_CONTAINER_CREDENTIALS_FULL_URI=LOCAL +
          "/container-creds?auth=container-query-secret-1"), None, TASK),
    ("container-redirect-not-followed", {},
     dict(CONTAINER, AWS_CONTAINER_CREDENTIALS_FULL_URI=LOCAL +
          "/container-redirect"), None, None),
    ("instance-metadata-only", {}, {}, None, INSTANCE),
    ("missing-profile",
     {".aws/credentials": "[default]\naws_access_key_id = AKIACREDFILE00000001\n"
      "aws_secret_access_key = credfile-secret-1\n"},
     {"AWS_PROFILE": "nope"}, None, None),
]

n = 0


def tap(ok, what, diag=""):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    if not ok and diag:
        for line in diag.rstrip().splitlines():
            print("# " + line)
    sys.stdout.flush()


def norm(arn):
    return re.sub(r"botocore-session-\d+", "botocore-session-N", arn or "")


def run(case, side):
    name, files, env, profile, _ = case
    home = os.path.join(TMP, "run", name + "-" + side)
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(os.path.join(home, ".aws"))
    for path, text in files.items():
        p = os.path.join(home, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text.replace("@HOME@", home))
        if path.endswith(".sh"):
            os.chmod(p, 0o755)
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update({"HOME": home, "AWS_REGION": "us-east-1",
              "AWS_DEFAULT_REGION": "us-east-1",
              "AWS_EC2_METADATA_SERVICE_ENDPOINT": LOCAL + "/"})
    e.update({k: v.replace("@HOME@", home) for k, v in env.items()})
    if side == "cli":
        e.update({"AWS_CA_BUNDLE": CA, "AWS_PAGER": ""})
        cmd = [AWS, "sts", "get-caller-identity", "--output", "text",
               "--query", "Arn"]
    else:
        e.update({"AWS_ENDPOINT_URL_STS": LOCAL, "AWS_ENDPOINT_URL_SSO": LOCAL,
                  "AWS_ENDPOINT_URL_SSO_OIDC": LOCAL})
        cmd = [WHOAMI, "-v", "-v"]
    if profile:
        cmd += ["--profile", profile]
    mark = len(F.LOG)
    p = subprocess.run(cmd, env=e, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    calls = sorted(set(
        (c["service"], c["action"], norm(str(c.get("signer"))),
         str(c.get("role")))
        for c in F.LOG[mark:] if c["service"] in ("sts", "sso", "sso-oidc")))
    arn = norm(p.stdout.strip()) if p.returncode == 0 else None
    return arn, calls, p


for case in CASES:
    name, expect = case[0], case[4]
    a_arn, a_calls, a = run(case, "cli")
    c_arn, c_calls, c = run(case, "cfngen")
    diag = "aws: exit %d: %s %s\ncfngen: exit %d: %s %s" % (
        a.returncode, a.stdout.strip(), a.stderr.strip()[-600:],
        c.returncode, c.stdout.strip(), c.stderr.strip()[-1500:])
    tap(a_arn == c_arn and a_arn == expect,
        "%s: aws -> %s, cfngen -> %s" % (name, a_arn or "fails",
                                         c_arn or "fails"), diag)
    # When both fail, cfngen may stop earlier (a token file that is not a
    # JWT, an SSO token it can see has expired): it makes no call the CLI
    # did not make.
    tap(a_calls == c_calls or (a_arn is None and c_arn is None and
                               set(c_calls) <= set(a_calls)),
        "%s: the same STS/SSO calls, signed by the same identities" % name,
        "aws: %s\ncfngen: %s" % (a_calls, c_calls))
    out = c.stdout + c.stderr
    leaked = [s for s in STATIC_SECRETS + F.ISSUED_SECRETS if s in out]
    tap(not leaked, "%s: no secret in cfngen's output at -vv" % name,
        "leaked: %s" % leaked)
    if c.returncode != 0:
        said = [l for l in c.stderr.splitlines() if not re.match(
            r"cfngen: (GET|PUT|POST|  |AWS region|assuming|running|"
            r"no EC2|the EC2|signing)", l)]
        print("# %s: cfngen said: %s" % (name, said[-1] if said else ""))
        tap(c.returncode in (1, 2) and c.stderr.strip() != "",
            "%s: cfngen fails with exit 1 (2: usage) and says why" % name, c.stderr)
print("1..%d" % n)
