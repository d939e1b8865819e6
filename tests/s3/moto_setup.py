"""Prepares a moto_server started with INITIAL_NO_AUTH_ACTION_COUNT=6.

Its first six requests are not authenticated; they create an IAM user
with an access key and a policy allowing everything, a role that user may
assume, and the test bucket. Every later request is signature-checked,
which this script then verifies (a bogus key must be refused, the real
one accepted). Prints shell assignments: USER_KEY, USER_SECRET, ROLE_ARN.

usage: moto_setup.py ENDPOINT BUCKET
"""
import json
import shlex
import sys

import boto3
import botocore.exceptions

NO_AUTH_ACTIONS = 6

ALLOW_ALL = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
})
TRUST_ANYONE = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                   "Action": "sts:AssumeRole"}],
})


def client(service, endpoint, key="unauthenticated", secret="setup"):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 1}))


def main():
    endpoint, bucket = sys.argv[1], sys.argv[2]
    iam = client("iam", endpoint)
    # 1-6: the unauthenticated requests.
    iam.create_user(UserName="cfngen")
    key = iam.create_access_key(UserName="cfngen")["AccessKey"]
    iam.put_user_policy(UserName="cfngen", PolicyName="all",
                        PolicyDocument=ALLOW_ALL)
    role = iam.create_role(RoleName="cfngen-upload",
                           AssumeRolePolicyDocument=TRUST_ANYONE)["Role"]
    iam.put_role_policy(RoleName="cfngen-upload", PolicyName="all",
                        PolicyDocument=ALLOW_ALL)
    client("s3", endpoint).create_bucket(Bucket=bucket)

    # From here on, signatures are checked.
    try:
        client("s3", endpoint, "AKIABOGUSBOGUSBOGUS0", "bogus").list_buckets()
        sys.exit("moto_setup.py: a bogus key was accepted: authentication "
                 f"is not on after {NO_AUTH_ACTIONS} requests")
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        if code != "InvalidAccessKeyId":
            sys.exit(f"moto_setup.py: bogus key refused with {code}")
    names = [b["Name"] for b in client(
        "s3", endpoint, key["AccessKeyId"],
        key["SecretAccessKey"]).list_buckets()["Buckets"]]
    if bucket not in names:
        sys.exit(f"moto_setup.py: bucket {bucket} missing: {names}")
    print(f"USER_KEY={shlex.quote(key['AccessKeyId'])}")
    print(f"USER_SECRET={shlex.quote(key['SecretAccessKey'])}")
    print(f"ROLE_ARN={shlex.quote(role['Arn'])}")


main()
