"""A loopback CloudFormation that answers the StackSet calls as the
CloudFormation API reference documents them (query protocol: a form POST
with Action and Version=2010-05-15; XML answers in the
http://cloudformation.amazonaws.com/doc/2010-05-15/ namespace; errors as
<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>), for
what moto does not do: service-managed StackSets with organizational
units, UpdateStackSet on an existing set, operation preferences, a failing
operation, and ListStackInstances in pages (NextToken).

Calls: DescribeStackSet (404 StackSetNotFoundException when absent),
CreateStackSet, UpdateStackSet, CreateStackInstances,
DescribeStackSetOperation, ListStackInstances (two summaries a page).
An operation reports RUNNING for the first --running polls, then
SUCCEEDED, or FAILED when one of its regions is --fail-region (whose
instances become OUTDATED with a reason). Each OU holds two accounts.

Every request is appended to LOG as one JSON object: the action, the
parameters in the order sent, and whether it carried a SigV4
Authorization header (and its credential scope's region and service).

usage: stackset_server.py PORT_FILE LOG [--fail-region R] [--running N]
       [--existing NAME]
(listens on a free 127.0.0.1 port and writes it to PORT_FILE; --existing
starts with a SELF_MANAGED stack set NAME holding one instance,
111122223333 in us-east-1)
"""
import argparse
import http.server
import json
import re
import socketserver
import threading
import urllib.parse
import uuid
from xml.sax.saxutils import escape

NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
lock = threading.Lock()
stacksets = {}      # name -> {"model":, "template":, "instances": [...]}
operations = {}     # id -> {"name":, "polls":, "fail":, "action":}
args = None


def log(entry):
    with lock, open(args.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def members(params, prefix):
    """Values of prefix.member.1, .2 ... in order."""
    out = []
    i = 1
    while f"{prefix}.member.{i}" in params:
        out.append(params[f"{prefix}.member.{i}"])
        i += 1
    return out


def ok(action, body):
    rid = str(uuid.uuid4())
    return 200, (f'<{action}Response xmlns="{NS}"><{action}Result>{body}'
                 f'</{action}Result><ResponseMetadata><RequestId>{rid}'
                 f'</RequestId></ResponseMetadata></{action}Response>')


def error(status, code, message):
    rid = str(uuid.uuid4())
    return status, (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type>'
                    f'<Code>{code}</Code><Message>{escape(message)}</Message>'
                    f'</Error><RequestId>{rid}</RequestId></ErrorResponse>')


def new_operation(name, action, regions):
    op = str(uuid.uuid4())
    operations[op] = {"name": name, "polls": 0, "action": action,
                      "fail": args.fail_region in regions}
    return op


def handle(action, p):
    name = p.get("StackSetName")
    if action == "DescribeStackSet":
        s = stacksets.get(name)
        if s is None:
            return error(404, "StackSetNotFoundException",
                         f"StackSet {name} not found")
        return ok(action, f"<StackSet><StackSetName>{name}</StackSetName>"
                  f"<StackSetId>{name}:1</StackSetId><Status>ACTIVE</Status>"
                  f"<PermissionModel>{s['model']}</PermissionModel>"
                  f"</StackSet>")
    if action == "CreateStackSet":
        if name in stacksets:
            return error(400, "NameAlreadyExistsException",
                         f"StackSet {name} already exists")
        if "TemplateBody" not in p:
            return error(400, "ValidationError", "TemplateBody is required")
        stacksets[name] = {"model": p.get("PermissionModel", "SELF_MANAGED"),
                           "template": p["TemplateBody"], "instances": []}
        return ok(action, f"<StackSetId>{name}:1</StackSetId>")
    s = stacksets.get(name)
    if s is None and action != "DescribeStackSetOperation":
        return error(404, "StackSetNotFoundException",
                     f"StackSet {name} not found")
    if action == "UpdateStackSet":
        s["template"] = p.get("TemplateBody", s["template"])
        regions = sorted({i["Region"] for i in s["instances"]})
        return ok(action, "<OperationId>%s</OperationId>" %
                  new_operation(name, "UPDATE", regions))
    if action == "CreateStackInstances":
        regions = members(p, "Regions")
        accounts = members(p, "Accounts")
        ous = members(p, "DeploymentTargets.OrganizationalUnitIds")
        if not regions or not (accounts or ous) or (accounts and ous):
            return error(400, "ValidationError",
                         "Regions and one of Accounts or DeploymentTargets "
                         "are required")
        if ous and s["model"] != "SERVICE_MANAGED":
            return error(400, "ValidationError", "DeploymentTargets need "
                         "a SERVICE_MANAGED stack set")
        targets = [(a, "") for a in accounts]
        for ou in ous:
            n = int(re.sub(r"\D", "", ou)[:4] or "1")
            targets += [("%012d" % (n * 10 + k), ou) for k in (1, 2)]
        for acct, ou in targets:
            for r in regions:
                if not any(i["Account"] == acct and i["Region"] == r
                           for i in s["instances"]):
                    s["instances"].append({"Account": acct, "Region": r,
                                           "OU": ou, "Status": "CURRENT",
                                           "Reason": ""})
        return ok(action, "<OperationId>%s</OperationId>" %
                  new_operation(name, "CREATE", regions))
    if action == "DescribeStackSetOperation":
        op = operations.get(p.get("OperationId"))
        if op is None or op["name"] != name:
            return error(404, "OperationNotFoundException",
                         "operation not found")
        op["polls"] += 1
        status, reason = "RUNNING", ""
        if op["polls"] > args.running:
            status = "FAILED" if op["fail"] else "SUCCEEDED"
            if op["fail"]:
                reason = ("The Operation failed: stack instances in "
                          f"{args.fail_region} failed")
                for i in stacksets[name]["instances"]:
                    if i["Region"] == args.fail_region:
                        i["Status"] = "OUTDATED"
                        i["Reason"] = ("ResourceLogicalId:Layer, "
                                       "ResourceType:AWS::Lambda::"
                                       "LayerVersion, ResourceStatusReason:"
                                       "Access Denied")
        body = (f"<StackSetOperation><OperationId>{p['OperationId']}"
                f"</OperationId><Action>{op['action']}</Action>"
                f"<Status>{status}</Status>")
        if reason:
            body += f"<StatusReason>{escape(reason)}</StatusReason>"
        return ok(action, body + "</StackSetOperation>")
    if action == "ListStackInstances":
        start = int(p.get("NextToken", "0"))
        page = s["instances"][start:start + 2]
        body = "<Summaries>"
        for i in page:
            detail = "SUCCEEDED" if i["Status"] == "CURRENT" else "FAILED"
            body += (f"<member><StackSetId>{name}:1</StackSetId>"
                     f"<Account>{i['Account']}</Account>"
                     f"<Region>{i['Region']}</Region>"
                     f"<Status>{i['Status']}</Status>"
                     f"<StackInstanceStatus><DetailedStatus>{detail}"
                     f"</DetailedStatus></StackInstanceStatus>")
            if i["Reason"]:
                body += f"<StatusReason>{escape(i['Reason'])}</StatusReason>"
            if i["OU"]:
                body += (f"<OrganizationalUnitId>{i['OU']}"
                         f"</OrganizationalUnitId>")
            body += "</member>"
        body += "</Summaries>"
        if start + 2 < len(s["instances"]):
            body += f"<NextToken>{start + 2}</NextToken>"
        return ok(action, body)
    return error(400, "InvalidAction", f"{action} is not answered here")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        pairs = urllib.parse.parse_qsl(body, keep_blank_values=True)
        p = dict(pairs)
        auth = self.headers.get("Authorization", "")
        m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request",
                      auth)
        with lock:
            status, xml = handle(p.get("Action", ""), p)
        log({"action": p.get("Action"), "params": pairs,
             "signed": auth.startswith("AWS4-HMAC-SHA256 "),
             "scope": list(m.groups()) if m else None,
             "content_type": self.headers.get("Content-Type"),
             "status": status})
        data = xml.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("port_file")
    ap.add_argument("log")
    ap.add_argument("--fail-region", default="")
    ap.add_argument("--running", type=int, default=1)
    ap.add_argument("--existing")
    args = ap.parse_args()
    if args.existing:
        stacksets[args.existing] = {
            "model": "SELF_MANAGED", "template": "old",
            "instances": [{"Account": "111122223333", "Region": "us-east-1",
                           "OU": "", "Status": "CURRENT", "Reason": ""}]}
    srv = Server(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


main()
