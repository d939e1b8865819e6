"""Prepares a moto_server for the regional tests (tests/regions.test).

moto_server is started with a large INITIAL_NO_AUTH_ACTION_COUNT, so its
authentication code is on but not yet enforced. This script creates, without
authentication, an IAM user with an access key and an allow-all policy, and
the buckets named on the command line (NAME@REGION: the bucket NAME created
in REGION); then it turns signature checking on for every later request
(POST /moto-api/reset-auth with 0) and proves it: a bogus key is refused,
the user's key accepted. Prints shell assignments: USER_KEY, USER_SECRET.

usage: moto_regions.py ENDPOINT NAME@REGION...
"""
import shlex
import sys
import urllib.request

import boto3
import botocore.exceptions

ALLOW_ALL = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
             '"Action": "*", "Resource": "*"}]}')


def client(service, endpoint, region="us-east-1", key="setup",
           secret="setup"):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 1}))


def reset_auth(endpoint, count):
    req = urllib.request.Request(
        endpoint + "/moto-api/reset-auth", data=count.encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as r:
        r.read()


def main():
    endpoint = sys.argv[1]
    iam = client("iam", endpoint)
    iam.create_user(UserName="cfngen")
    key = iam.create_access_key(UserName="cfngen")["AccessKey"]
    iam.put_user_policy(UserName="cfngen", PolicyName="all",
                        PolicyDocument=ALLOW_ALL)
    for spec in sys.argv[2:]:
        name, region = spec.split("@")
        args = {"Bucket": name}
        if region != "us-east-1":
            args["CreateBucketConfiguration"] = {
                "LocationConstraint": region}
        client("s3", endpoint, region).create_bucket(**args)

    reset_auth(endpoint, "0")
    try:
        client("s3", endpoint, key="AKIABOGUSBOGUSBOGUS0",
               secret="bogus").list_buckets()
        sys.exit("moto_regions.py: a bogus key was accepted: "
                 "authentication is not on")
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        if code != "InvalidAccessKeyId":
            sys.exit(f"moto_regions.py: bogus key refused with {code}")
    client("s3", endpoint, key=key["AccessKeyId"],
           secret=key["SecretAccessKey"]).list_buckets()
    print(f"USER_KEY={shlex.quote(key['AccessKeyId'])}")
    print(f"USER_SECRET={shlex.quote(key['SecretAccessKey'])}")


main()
