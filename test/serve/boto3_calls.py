"""Makes a list of calls through boto3 against a served world and prints what boto3 returned.

Usage: boto3_calls.py API_URL < steps.json
Each step is {"advance": MS} (the admin API moves the manual clock) or
{"service": "iam" | "ec2", "op": "CreateInstanceProfile", "params": {...}}. Prints one JSON list:
per call {"call", "ok", "response"} or {"call", "ok", "error": {"code", "statusCode", "message"},
"className"}, dates as ISO strings, ResponseMetadata dropped.
"""
import json
import re
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

api = sys.argv[1]
steps = json.load(sys.stdin)
session = boto3.session.Session(aws_access_key_id="AKIAOPERATORBOTO3", aws_secret_access_key="x", region_name="us-east-1")
config = boto3.session.Config(retries={"max_attempts": 1, "mode": "standard"})
clients = {name: session.client(name, endpoint_url=api, config=config) for name in ("iam", "ec2")}


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


out = []
for step in steps:
    if "advance" in step:
        req = urllib.request.Request(f"{api}/_iamsim/advance", data=json.dumps({"ms": step["advance"]}).encode(), method="POST")
        urllib.request.urlopen(req, timeout=10).read()
        continue
    client = clients[step["service"]]
    call = f"{step['service']}:{step['op']}"
    try:
        response = getattr(client, snake(step["op"]))(**step["params"])
        out.append({"call": call, "ok": True, "response": plain(response)})
    except ClientError as e:
        error = e.response["Error"]
        out.append(
            {
                "call": call,
                "ok": False,
                "error": {
                    "code": error["Code"],
                    "statusCode": e.response["ResponseMetadata"]["HTTPStatusCode"],
                    "message": error["Message"],
                },
                "className": type(e).__name__,
            }
        )
print(json.dumps(out))
