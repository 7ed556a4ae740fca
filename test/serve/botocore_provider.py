"""botocore's own InstanceMetadataProvider against one served instance, on virtual time.

Usage: botocore_provider.py API_URL IMDS_URL ASSOCIATION_ID COARSE_MS FINE_MS FINE_BEFORE_EXPIRY_MS MAX_MS
Loads the provider (a fetch at the current virtual instant), replaces the instance's profile
with web-v2 through boto3, then advances the served clock by COARSE_MS at a time (FINE_MS within
FINE_BEFORE_EXPIRY_MS of the held credentials' expiry), asking the
credentials for their keys each tick as an application making calls would, until they belong to
app-v2. botocore's clock (RefreshableCredentials' time fetcher, the fetcher's expiry check) is
pointed at the virtual clock. Prints one JSON line: {"changeAtMs", "switchMs", "role"}.
"""
import datetime
import json
import sys
import urllib.request

import boto3
import botocore.credentials as bc
import botocore.utils as bu

api, imds, association = sys.argv[1:4]
coarse_ms, fine_ms, fine_before_ms, max_ms = (int(a) for a in sys.argv[4:8])
state = {}


def admin(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{api}/_iamsim/{path}", data=data, method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


def sync(now):
    state["ms"] = now["nowMs"]
    state["dt"] = datetime.datetime.fromisoformat(now["now"].replace("Z", "+00:00"))


def virtual_now():
    return state["dt"]


sync(admin("now"))
# botocore reads the time in three places: RefreshableCredentials' time fetcher (bound per
# object), credentials._local_now, and utils.get_current_datetime (naive UTC, for the expiry check).
bc._local_now = virtual_now
bu.get_current_datetime = lambda: state["dt"].replace(tzinfo=None)

fetcher = bu.InstanceMetadataFetcher(timeout=5, num_attempts=1, config={"ec2_metadata_service_endpoint": imds})
creds = bc.InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
creds._time_fetcher = virtual_now


def role_of(key):
    for c in admin("state")["credentials"]:
        if c["accessKeyId"] == key:
            return c["role"]
    return None


first = creds.get_frozen_credentials().access_key
assert role_of(first) == "app-v1", role_of(first)

ec2 = boto3.client(
    "ec2", endpoint_url=api, region_name="us-east-1", aws_access_key_id="AKIAOPERATORPYTHON", aws_secret_access_key="x"
)
ec2.replace_iam_instance_profile_association(AssociationId=association, IamInstanceProfile={"Name": "web-v2"})
sync(admin("now"))
change_at = state["ms"]
key = first
while state["ms"] - change_at < max_ms:
    left_ms = (creds._expiry_time - state["dt"]).total_seconds() * 1000
    sync(admin("advance", {"ms": fine_ms if left_ms <= fine_before_ms else coarse_ms}))
    current = creds.get_frozen_credentials().access_key
    if current != key:
        key = current
        role = role_of(key)
        if role == "app-v2":
            print(json.dumps({"changeAtMs": change_at, "switchMs": state["ms"], "role": role}))
            sys.exit(0)
print(json.dumps({"changeAtMs": change_at, "switchMs": None, "role": role_of(key)}))
