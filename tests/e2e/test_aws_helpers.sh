#!/usr/bin/env bash
# vigil.aws over each userIdentity type (Root, IAMUser, AssumedRole,
# FederatedUser, AWSService, an Identity Center session): actor() names the
# same principal as the alert's `actor` computed by the core, and the
# is_root/is_aws_service/is_console/succeeded/account/region helpers read
# each shape. The IdentityCenterUser type (access portal and identity-store
# calls) has no arn, userName or principalId: both sides name it by
# onBehalfOf.userId (the scanner partitions their events by it too).
. "$(dirname "$0")/lib.sh"

cd "$TMP"
cat >r.lua <<'L'
local aws = require "vigil.aws"
local function context(e)
  return { actor = aws.actor(e), root = aws.is_root(e), service = aws.is_aws_service(e),
           console = aws.is_console(e), succeeded = aws.succeeded(e),
           account = aws.account(e), region = aws.region(e) }
end
rule { id = "t.helpers", title = "t", severity = "low",
  on = { eventName = { "Probe", "ConsoleLogin" } },
  context = context }
-- succeeded() and is_aws_service() keep their answer for the last event:
-- asked again by a second rule of each record (records alternate between
-- answers), they must still answer for that record.
rule { id = "t.helpers_again", title = "t", severity = "low",
  on = { eventName = { "Probe", "ConsoleLogin" } },
  when = function(e) return aws.is_aws_service(e) ~= nil and aws.succeeded(e) ~= nil end,
  context = context }
L
python3 - <<'PY'
import json
A = "111122223333"
sso = "AWSReservedSSO_AdministratorAccess_0123456789abcdef"
ids = {
    "root": {"type": "Root", "principalId": A, "arn": f"arn:aws:iam::{A}:root",
             "accountId": A},
    "iamuser": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "userName": "alice",
                "arn": f"arn:aws:iam::{A}:user/alice", "accountId": A},
    "assumedrole": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:s1", "accountId": A,
                    "arn": f"arn:aws:sts::{A}:assumed-role/deployer/s1",
                    "sessionContext": {"sessionIssuer": {
                        "type": "Role", "arn": f"arn:aws:iam::{A}:role/deployer"}}},
    "federated": {"type": "FederatedUser", "principalId": f"{A}:bob", "accountId": A,
                  "arn": f"arn:aws:sts::{A}:federated-user/bob"},
    "service": {"type": "AWSService", "invokedBy": "cloudformation.amazonaws.com"},
    "sso": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:carol@example.com",
            "arn": f"arn:aws:sts::{A}:assumed-role/{sso}/carol@example.com", "accountId": A},
    "idcuser": {"type": "IdentityCenterUser", "accountId": A, "credentialId": "c1",
                "onBehalfOf": {"userId": "90676a1b2c-1111",
                               "identityStoreArn": f"arn:aws:identitystore::{A}:"
                                                   "identitystore/d-1234567890"}},
}
with open("ev.jsonl", "w") as f:
    for k, u in ids.items():
        e = {"eventName": "Probe", "eventID": k, "eventTime": "2024-01-01T00:00:00Z",
             "awsRegion": "eu-west-1", "recipientAccountId": A, "userIdentity": u}
        if k == "iamuser":
            e["errorCode"] = "AccessDenied"
        if k == "sso":
            e["sessionCredentialFromConsole"] = "true"
        f.write(json.dumps(e) + "\n")
    # Edges of succeeded/is_aws_service/is_console, which answer in C for
    # byte views and in Lua for tree views: both runs below must agree.
    u = ids["iamuser"]
    edges = {
        "login_ok": {"eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"}},
        "login_bad": {"eventName": "ConsoleLogin",
                      "responseElements": {"ConsoleLogin": "Failure"}},
        "login_none": {"eventName": "ConsoleLogin"},
        "code_empty": {"errorCode": ""},
        "code_number": {"errorCode": 403},
        "esc_service": {"userIdentity": {"type": "AWS\\u0053ervice"}},
        "human_invoker": {"userIdentity": dict(u, invokedBy="signin.amazonaws.com")},
        "svc_invoker": {"userIdentity": dict(u, invokedBy="ec2.amazonaws.com")},
        "odd_invoker": {"userIdentity": dict(u, invokedBy="amazonaws.com")},
        "ua_s3console": {"userAgent": "S3Console/0.4"},
        "ua_rds": {"userAgent": "RDS Console, aws-internal/3"},
        "ua_signin": {"userAgent": "signin.amazonaws.com"},
        "ua_object": {"userAgent": {"x": "S3Console/0.4"}},
        "flag_bool": {"sessionCredentialFromConsole": True},
        "flag_false": {"sessionCredentialFromConsole": "false"},
        "signin_type": {"eventType": "AwsConsoleSignIn"},
    }
    for k, extra in edges.items():
        e = {"eventName": "Probe", "eventID": k, "eventTime": "2024-01-01T00:00:00Z",
             "awsRegion": "eu-west-1", "recipientAccountId": A, "userIdentity": u}
        e.update(extra)
        text = json.dumps(e).replace("\\\\u0053", "\\u0053")  # a real escape in the record
        f.write(text + "\n")
PY
grep -q 'AWS\\u0053ervice' ev.jsonl || fail "the escaped type did not reach the file"
# Fast path (byte views, the C helpers) and VIGIL_FAST_PATH=off (tree
# views, the Lua functions they stand for): the same answers.
both_views 1 "$VIGIL" scan -w 1 -f json --rules r.lua ev.jsonl
for run in out_bytes out_tree; do
python3 - "$TMP/$run" <<'PY' || fail "helpers answered wrong in $run"
import json, sys
A = "111122223333"
U = f"arn:aws:iam::{A}:user/alice"
want = {  # id: (actor, root, service, console, succeeded)
    "root": (f"arn:aws:iam::{A}:root", True, False, False, True),
    "iamuser": (f"arn:aws:iam::{A}:user/alice", False, False, False, False),
    "assumedrole": (f"arn:aws:sts::{A}:assumed-role/deployer/s1", False, False, False, True),
    "federated": (f"arn:aws:sts::{A}:federated-user/bob", False, False, False, True),
    "service": ("cloudformation.amazonaws.com", False, True, False, True),
    "sso": (f"arn:aws:sts::{A}:assumed-role/AWSReservedSSO_AdministratorAccess_"
            "0123456789abcdef/carol@example.com", False, False, True, True),
    "idcuser": ("90676a1b2c-1111", False, False, False, True),
    "login_ok": (U, False, False, False, True),
    "login_bad": (U, False, False, False, False),
    "login_none": (U, False, False, False, False),
    "code_empty": (U, False, False, False, True),
    "code_number": (U, False, False, False, True),
    "esc_service": ("unknown", False, True, False, True),
    "human_invoker": (U, False, False, False, True),
    "svc_invoker": (U, False, True, False, True),
    "odd_invoker": (U, False, False, False, True),
    "ua_s3console": (U, False, False, True, True),
    "ua_rds": (U, False, False, True, True),
    "ua_signin": (U, False, False, True, True),
    "ua_object": (U, False, False, False, True),
    "flag_bool": (U, False, False, True, True),
    "flag_false": (U, False, False, False, True),
    "signin_type": (U, False, False, True, True),
}
seen = set()
rules = {}
bad = 0
for line in open(sys.argv[1]):
    a = json.loads(line)
    k, c = a["event_id"], a["context"]
    seen.add(k)
    rules.setdefault(a["rule_id"], set()).add(k)
    got = (c["actor"], c["root"], c["service"], c["console"], c["succeeded"])
    if got != want[k] or a["actor"] != c["actor"] or c["account"] != A \
            or c["region"] != "eu-west-1":
        print(f"{k}: got {got}, core actor {a['actor']}, {c['account']}, {c['region']}; "
              f"want {want[k]}", file=sys.stderr)
        bad += 1
if seen != set(want) or any(rules.get(r) != set(want) for r in ("t.helpers",
                                                                  "t.helpers_again")):
    print(f"alerts for {rules}, expected {sorted(want)} from both rules", file=sys.stderr)
    bad += 1
sys.exit(bad)
PY
done
echo ok
