"""A loopback CloudFormation for the deploy tests: where moto 5.2 falls
short, this answers as the CloudFormation API reference documents.

moto's limits it covers (see tests/deploy.test):
  - moto's change sets list every resource as "Add", even on an update
    with nothing changed; here a change set compares the new template's
    Resources with the stack's (Add, Modify with Replacement, Remove) and
    one without changes FAILS with the documented StatusReason "The
    submitted information didn't contain changes. ...";
  - stacks moto creates through change sets have no Outputs; here they
    have the template's Outputs (literals as they are, Ref of a layer
    version as its ARN, anything else as a made-up physical value);
  - operations take time: an executed change set moves the stack through
    *_IN_PROGRESS, one resource event per DescribeStackEvents call, so
    progress streaming and waiting are exercised;
  - failures on request: GET /_control?fail=LOGICAL_ID&reason=TEXT makes
    that resource fail on the next execution (rollback follows), and
    GET /_control?throttle=N answers the next N calls with HTTP 400
    Throttling ("Rate exceeded"), as CloudFormation does;
    GET /_control?fail=LOGICAL_ID&region=R does it in region R only, and
    GET /_control?deny=R&code=CODE&message=TEXT answers every call signed
    for region R with that error (HTTP 400), as a region where the caller
    may not use CloudFormation does.

Regions: CloudFormation is a regional service, and a stack belongs to the
region its requests were signed for (the SigV4 credential scope), so
stacks, change sets and layer versions are kept per (region, name): the
same stack name in two regions is two stacks, each with its own ARN,
events and Outputs (a layer version's ARN names its region). moto 5.2
gives stacks made through change sets no Outputs at all, so LayerArn of a
deploy in several regions (tests/regions.test) is read from this server.

Every request is appended to the log (JSON lines: action, the form
parameters, the content type and the Authorization header's credential
scope, never the signature), so tests assert the wire format.

usage: server.py PORTFILE LOGFILE
"""
import json
import sys
import threading
import urllib.parse
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
ACCOUNT = "123456789012"
NO_CHANGES = ("The submitted information didn't contain changes. Submit "
              "different information to create a change set.")

lock = threading.Lock()
stacks = {}        # (region, name) -> stack (current, not deleted)
deleted = {}       # ARN -> stack: still described by its ARN, as AWS does
changesets = {}    # ARN and (region, stack, name) -> change set
control = {"fail": {}, "throttle": 0, "deny": {}}
# fail: region (None: any) -> (logical id, reason); deny: region -> (code,
# message)
layer_versions = {}


class Tagged:
    """A short-form intrinsic (!Ref X) kept as data."""
    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __eq__(self, other):
        return (isinstance(other, Tagged) and self.tag == other.tag and
                self.value == other.value)


class Loader(yaml.SafeLoader):
    pass


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(suffix, value)


Loader.add_multi_constructor("!", _tagged)


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def members(items, render):
    return "".join("<member>%s</member>" % render(i) for i in items)


def fields(d):
    return "".join("<%s>%s</%s>" % (k, esc(v), k) for k, v in d.items()
                   if v is not None)


class Error(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def list_param(p, prefix, keys=None):
    """Capabilities.member.1, Tags.member.1.Key ... in order."""
    out, i = [], 1
    while True:
        base = "%s.member.%d" % (prefix, i)
        if keys is None:
            if base not in p:
                return out
            out.append(p[base])
        else:
            if not any(base + "." + k in p for k in keys):
                return out
            out.append({k: p.get(base + "." + k) for k in keys})
        i += 1


def resources(template):
    return (template or {}).get("Resources") or {}


def needs_iam(template):
    return any(str(r.get("Type", "")).startswith("AWS::IAM::")
               for r in resources(template).values())


def plain(template):
    """The template as JSON text, short-form intrinsics included."""
    return json.dumps(template, default=lambda t: {t.tag: t.value})


def output_value(stack, value):
    if isinstance(value, str):
        return value
    sub = None
    if isinstance(value, Tagged) and value.tag == "Sub":
        sub = value.value
    elif isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
    if isinstance(sub, str):
        return (sub.replace("${AWS::StackName}", stack["name"])
                .replace("${AWS::Region}", stack["region"])
                .replace("${AWS::AccountId}", ACCOUNT))
    ref = None
    if isinstance(value, Tagged) and value.tag == "Ref":
        ref = value.value
    elif isinstance(value, dict) and "Ref" in value:
        ref = value["Ref"]
    if ref is not None:
        return stack["physical"].get(ref, "%s-%s" % (stack["name"], ref))
    return "%s-value" % stack["name"]


def event(stack, logical, rtype, status, reason=None, physical=None):
    stack["events"].insert(0, {
        "StackId": stack["id"], "EventId": str(uuid.uuid4()),
        "StackName": stack["name"], "LogicalResourceId": logical,
        "PhysicalResourceId": physical if physical is not None else "",
        "ResourceType": rtype, "Timestamp": now(),
        "ResourceStatus": status, "ResourceStatusReason": reason})


def stack_event(stack, status, reason=None):
    event(stack, stack["name"], "AWS::CloudFormation::Stack", status,
          reason, stack["id"])
    stack["status"], stack["reason"] = status, reason


def physical_id(stack, logical, res):
    if res.get("Type") == "AWS::Lambda::LayerVersion":
        name = str((res.get("Properties") or {}).get("LayerName", logical))
        key = (stack["region"], name)
        layer_versions[key] = layer_versions.get(key, 0) + 1
        return "arn:aws:lambda:%s:%s:layer:%s:%d" % (
            stack["region"], ACCOUNT, name, layer_versions[key])
    return "%s-%s-%s" % (stack["name"], logical, uuid.uuid4().hex[:8])


def plan(stack, cs):
    """The steps an execution takes; run one by one by advance()."""
    op = "CREATE" if cs["type"] == "CREATE" else "UPDATE"
    old, new = resources(stack["template"]), resources(cs["template"])
    steps = [("stack", op + "_IN_PROGRESS", "User Initiated")]
    region = stack["region"] if stack["region"] in control["fail"] else None
    failing, reason = control["fail"].pop(region, (None, ""))
    for c in cs["changes"]:
        lid, rtype = c["LogicalResourceId"], c["ResourceType"]
        if c["Action"] == "Remove":
            continue
        status = "CREATE" if c["Action"] == "Add" or \
            c.get("Replacement") == "True" else "UPDATE"
        steps.append(("res", lid, rtype, status + "_IN_PROGRESS", None))
        if lid == failing:
            steps.append(("res", lid, rtype, status + "_FAILED",
                          reason or "Resource handler failed"))
            break
        steps.append(("res", lid, rtype, status + "_COMPLETE", None))
    else:
        failing = None
    if failing is not None:
        if op == "CREATE":
            steps.append(("stack", "ROLLBACK_IN_PROGRESS",
                          "The following resource(s) failed to create: "
                          "[%s]. Rollback requested by user." % failing))
            steps.append(("stack", "ROLLBACK_COMPLETE", None))
        else:
            steps.append(("stack", "UPDATE_ROLLBACK_IN_PROGRESS",
                          "The following resource(s) failed to update: "
                          "[%s]." % failing))
            steps.append(("stack", "UPDATE_ROLLBACK_COMPLETE", None))
        return steps, False
    for lid, res in old.items():
        if lid not in new:
            steps.append(("res", lid, res.get("Type"), "DELETE_COMPLETE",
                          None))
    steps.append(("stack", op + "_COMPLETE", None))
    return steps, True


def advance(stack, n=2):
    while n > 0 and stack.get("steps"):
        step = stack["steps"].pop(0)
        if step[0] == "stack":
            stack_event(stack, step[1], step[2])
            if step[1].endswith("_COMPLETE") and stack.get("pending"):
                finish(stack)
        else:
            _, lid, rtype, status, reason = step
            phys = stack["physical"].get(lid)
            if status.endswith("_COMPLETE") and not status.startswith(
                    "DELETE") and stack.get("pending"):
                res = resources(stack["pending"]["template"]).get(lid, {})
                if phys is None or status.startswith("CREATE"):
                    phys = physical_id(stack, lid, res)
                stack["new_physical"][lid] = phys
            event(stack, lid, rtype, status, reason, phys)
        n -= 1


def finish(stack):
    cs = stack.pop("pending")
    if stack["status"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        stack["template"] = cs["template"]
        stack["physical"].update(stack.pop("new_physical"))
        stack["outputs"] = [
            {"OutputKey": k, "OutputValue": output_value(stack, o.get("Value")),
             "ExportName": output_value(stack, (o.get("Export") or {})
                                        .get("Name")) if o.get("Export") else None}
            for k, o in ((cs["template"] or {}).get("Outputs") or {}).items()]
        stack["tags"] = cs["tags"]
    cs["exec"] = "EXECUTE_COMPLETE" if stack["status"].endswith(
        "_COMPLETE") and "ROLLBACK" not in stack["status"] else \
        "EXECUTE_FAILED"


def parse_template(p):
    body = p.get("TemplateBody")
    if body is None:
        if "TemplateURL" in p:
            # not fetched (the bucket wants signed requests): a stand-in
            return {"Resources": {"FromTemplateURL": {
                "Type": "AWS::CloudFormation::WaitConditionHandle",
                "Properties": {"Url": p["TemplateURL"]}}}}
        raise Error("ValidationError", "Either Template URL or Template "
                    "Body must be specified.")
    try:
        return yaml.load(body, Loader=Loader)
    except yaml.YAMLError as e:
        raise Error("ValidationError", "Template format error: %s" % e)


def changes(old, new):
    out = []
    for lid, res in resources(new).items():
        if lid not in resources(old):
            out.append({"Action": "Add", "LogicalResourceId": lid,
                        "ResourceType": res.get("Type")})
        elif resources(old)[lid] != res:
            replace = "True" if resources(old)[lid].get("Type") != \
                res.get("Type") or res.get("Type") == \
                "AWS::Lambda::LayerVersion" else "False"
            out.append({"Action": "Modify", "LogicalResourceId": lid,
                        "ResourceType": res.get("Type"),
                        "Replacement": replace})
    for lid, res in resources(old).items():
        if lid not in resources(new):
            out.append({"Action": "Remove", "LogicalResourceId": lid,
                        "ResourceType": res.get("Type")})
    return out


def find_stack(region, name):
    for s in stacks.values():
        if s["region"] == region and name in (s["name"], s["id"]):
            return s
    if name in deleted:
        return deleted[name]
    raise Error("ValidationError", "Stack with id %s does not exist" % name)


def do_create_change_set(p, region):
    name, csname = p.get("StackName"), p.get("ChangeSetName")
    if not name or not csname:
        raise Error("ValidationError", "StackName and ChangeSetName are "
                    "required")
    cstype = p.get("ChangeSetType", "UPDATE")
    template = parse_template(p)
    caps = list_param(p, "Capabilities")
    if needs_iam(template) and not {"CAPABILITY_IAM",
                                    "CAPABILITY_NAMED_IAM"} & set(caps):
        raise Error("InsufficientCapabilitiesException",
                    "Requires capabilities : [CAPABILITY_IAM]")
    stack = stacks.get((region, name))
    if cstype == "CREATE":
        if stack is not None and stack["status"] != "REVIEW_IN_PROGRESS":
            raise Error("AlreadyExistsException",
                        "Stack [%s] already exists" % name)
        if stack is None:
            stack = {"name": name, "region": region, "template": None,
                     "id": "arn:aws:cloudformation:%s:%s:stack/%s/%s" % (
                         region, ACCOUNT, name, uuid.uuid4()),
                     "status": "REVIEW_IN_PROGRESS", "reason": None,
                     "events": [], "outputs": [], "physical": {},
                     "tags": []}
            stacks[(region, name)] = stack
            stack_event(stack, "REVIEW_IN_PROGRESS", "User Initiated")
    else:
        if stack is None:
            raise Error("ValidationError",
                        "Stack [%s] does not exist" % name)
        if stack["status"].endswith("_IN_PROGRESS"):
            raise Error("ValidationError", "Stack:%s is in %s state and "
                        "can not be updated." % (stack["id"], stack["status"]))
        if stack["status"] == "ROLLBACK_COMPLETE":
            raise Error("ValidationError", "Stack:%s is in ROLLBACK_COMPLETE "
                        "state and can not be updated." % stack["id"])
    tags = list_param(p, "Tags", ["Key", "Value"])
    cs = {"name": csname, "stack": stack["name"], "region": region,
          "type": cstype,
          "id": "arn:aws:cloudformation:%s:%s:changeSet/%s/%s" % (
              region, ACCOUNT, csname, uuid.uuid4()),
          "template": template, "caps": caps, "tags": tags,
          "polls": 0, "exec": "UNAVAILABLE"}
    cs["changes"] = changes(stack["template"], template)
    if not cs["changes"] and tags == stack["tags"]:
        cs["status"], cs["reason"] = "FAILED", NO_CHANGES
    else:
        cs["status"], cs["reason"] = "CREATE_COMPLETE", None
    changesets[cs["id"]] = changesets[(region, stack["name"], csname)] = cs
    return "<Id>%s</Id><StackId>%s</StackId>" % (esc(cs["id"]),
                                                  esc(stack["id"]))


def find_change_set(p, region):
    key = p.get("ChangeSetName", "")
    cs = changesets.get(key) or changesets.get((region, p.get("StackName"),
                                                key))
    if cs is not None and cs["region"] != region:
        cs = None      # an ARN of another region's change set
    if cs is None:
        raise Error("ChangeSetNotFound", "ChangeSet [%s] does not exist" %
                    key, 404)
    return cs


def do_describe_change_set(p, region):
    cs = find_change_set(p, region)
    stack = stacks.get((region, cs["stack"]))
    cs["polls"] += 1
    # pending on the first look, as a change set takes a moment to create
    status = "CREATE_PENDING" if cs["polls"] == 1 else cs["status"]
    execst = cs["exec"]
    if status == "CREATE_COMPLETE" and execst == "UNAVAILABLE":
        execst = "AVAILABLE"
    if status == "FAILED":
        execst = "UNAVAILABLE"

    def change(c):
        rc = fields({"Action": c["Action"],
                     "LogicalResourceId": c["LogicalResourceId"],
                     "ResourceType": c["ResourceType"],
                     "Replacement": c.get("Replacement")})
        return "<Type>Resource</Type><ResourceChange>%s</ResourceChange>" % rc
    return (fields({"ChangeSetName": cs["name"], "ChangeSetId": cs["id"],
                    "StackId": stack["id"] if stack else "",
                    "StackName": cs["stack"], "ExecutionStatus": execst,
                    "Status": status,
                    "StatusReason": cs["reason"] if status == "FAILED"
                    else None}) +
            "<Capabilities>%s</Capabilities>" % members(cs["caps"], esc) +
            "<Changes>%s</Changes>" % (
                members(cs["changes"], change) if status != "CREATE_PENDING"
                else ""))


def do_execute_change_set(p, region):
    cs = find_change_set(p, region)
    stack = stacks[(region, cs["stack"])]
    if cs["status"] != "CREATE_COMPLETE" or cs["exec"] != "UNAVAILABLE":
        raise Error("InvalidChangeSetStatus", "ChangeSet [%s] cannot be "
                    "executed in its current status of [%s]" % (
                        cs["id"], cs["status"]))
    cs["exec"] = "EXECUTE_IN_PROGRESS"
    stack["steps"], _ = plan(stack, cs)
    stack["pending"] = cs
    stack["new_physical"] = {}
    advance(stack, 1)
    return ""


def stack_xml(s):
    def out(o):
        return fields(o)
    return fields({"StackName": s["name"], "StackId": s["id"],
                   "StackStatus": s["status"],
                   "StackStatusReason": s["reason"],
                   "CreationTime": "2026-01-01T00:00:00Z"}) + \
        "<Outputs>%s</Outputs>" % members(s["outputs"], out) + \
        "<Tags>%s</Tags>" % members(s["tags"], out)


def do_describe_stacks(p, region):
    name = p.get("StackName")
    if name:
        s = find_stack(region, name)
        advance(s, 1)
        return "<Stacks><member>%s</member></Stacks>" % stack_xml(s)
    return "<Stacks>%s</Stacks>" % members(
        [s for s in stacks.values() if s["region"] == region], stack_xml)


def do_describe_stack_events(p, region):
    s = find_stack(region, p.get("StackName", ""))
    advance(s)
    return "<StackEvents>%s</StackEvents>" % members(
        s["events"][:100], fields)


def do_delete_stack(p, region):
    name = p.get("StackName", "")
    try:
        s = find_stack(region, name)
    except Error:
        return ""      # deleting an absent stack succeeds
    if s["status"] == "DELETE_COMPLETE":
        return ""
    for o in s["outputs"]:
        if o.get("ExportName"):
            users = [t["name"] for t in stacks.values()
                     if t["region"] == region and o["ExportName"]
                     in plain(t["template"])]
            if users:
                stack_event(s, "DELETE_FAILED", "Export %s cannot be deleted "
                            "as it is in use by %s" % (o["ExportName"],
                                                       users[0]))
                return ""
    steps = [("stack", "DELETE_IN_PROGRESS", "User Initiated")]
    for lid, res in resources(s["template"]).items():
        steps.append(("res", lid, res.get("Type"), "DELETE_IN_PROGRESS", None))
        steps.append(("res", lid, res.get("Type"), "DELETE_COMPLETE", None))
    steps.append(("stack", "DELETE_COMPLETE", None))
    s["steps"] = steps
    advance(s, 1)
    return ""


def do_list_imports(p, region):
    name = p.get("ExportName", "")
    users = [t["name"] for t in stacks.values()
             if t["region"] == region and name in plain(t["template"])]
    if not users:
        raise Error("ValidationError", "Export '%s' is not imported by any "
                    "stack." % name)
    return "<Imports>%s</Imports>" % members(users, esc)


ACTIONS = {
    "CreateChangeSet": do_create_change_set,
    "DescribeChangeSet": do_describe_change_set,
    "ExecuteChangeSet": do_execute_change_set,
    "DescribeStacks": do_describe_stacks,
    "DescribeStackEvents": do_describe_stack_events,
    "DeleteStack": do_delete_stack,
    "ListImports": do_list_imports,
}


def reap():
    """A stack whose deletion completed is gone from DescribeStacks."""
    for key in [k for k, s in stacks.items()
                if s["status"] == "DELETE_COMPLETE" and not s.get("steps")]:
        gone = stacks.pop(key)
        deleted[gone["id"]] = gone


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        with lock:
            if "fail" in q:
                control["fail"][q.get("region", [None])[0]] = (
                    q["fail"][0], q.get("reason", [""])[0])
            if "deny" in q:
                control["deny"][q["deny"][0]] = (
                    q.get("code", ["AccessDenied"])[0],
                    q.get("message", ["denied"])[0])
            if "throttle" in q:
                control["throttle"] = int(q["throttle"][0])
        self.reply(200, "ok")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n).decode()
        p = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        action = p.pop("Action", "")
        auth = self.headers.get("Authorization", "")
        scope = auth.split("Credential=")[1].split(",")[0].split("/", 1)[1] \
            if "Credential=" in auth else ""
        with open(LOG, "a") as f:
            f.write(json.dumps({
                "action": action, "params": p, "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "scope": scope,
                "signed_headers": auth.split("SignedHeaders=")[1]
                .split(",")[0] if "SignedHeaders=" in auth else ""}) + "\n")
        region = scope.split("/")[1] if scope.count("/") >= 2 else "us-east-1"
        with lock:
            try:
                if region in control["deny"]:
                    raise Error(*control["deny"][region])
                if control["throttle"] > 0:
                    control["throttle"] -= 1
                    raise Error("Throttling", "Rate exceeded")
                if p.get("Version") != "2010-05-15":
                    raise Error("InvalidParameterValue", "bad Version")
                if not scope.endswith("/cloudformation/aws4_request"):
                    raise Error("IncompleteSignature", "not signed for "
                                "cloudformation")
                if action not in ACTIONS:
                    raise Error("InvalidAction", "Could not find operation "
                                + action)
                result = ACTIONS[action](p, region)
                reap()
            except Error as e:
                self.reply(e.status, (
                    '<ErrorResponse xmlns="%s"><Error><Type>Sender</Type>'
                    '<Code>%s</Code><Message>%s</Message></Error>'
                    '<RequestId>%s</RequestId></ErrorResponse>') % (
                        NS, esc(e.code), esc(e.message), uuid.uuid4()))
                return
        self.reply(200, (
            '<%sResponse xmlns="%s"><%sResult>%s</%sResult>'
            '<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>'
            '</%sResponse>') % (action, NS, action, result, action,
                                uuid.uuid4(), action))


if __name__ == "__main__":
    PORTFILE, LOG = sys.argv[1], sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(PORTFILE + ".tmp", PORTFILE)
    server.serve_forever()
