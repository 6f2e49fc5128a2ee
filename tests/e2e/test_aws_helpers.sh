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
rule { id = "t.helpers", title = "t", severity = "low", on = { eventName = "Probe" },
  context = context }
-- succeeded() and is_aws_service() keep their answer for the last event:
-- asked again by a second rule of each record (records alternate between
-- answers), they must still answer for that record.
rule { id = "t.helpers_again", title = "t", severity = "low", on = { eventName = "Probe" },
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
PY
expect_status 1 "$VIGIL" scan -w 1 -f json --rules r.lua ev.jsonl
python3 - "$TMP/out" <<'PY'
import json, sys
A = "111122223333"
want = {  # id: (actor, root, service, console, succeeded)
    "root": (f"arn:aws:iam::{A}:root", True, False, False, True),
    "iamuser": (f"arn:aws:iam::{A}:user/alice", False, False, False, False),
    "assumedrole": (f"arn:aws:sts::{A}:assumed-role/deployer/s1", False, False, False, True),
    "federated": (f"arn:aws:sts::{A}:federated-user/bob", False, False, False, True),
    "service": ("cloudformation.amazonaws.com", False, True, False, True),
    "sso": (f"arn:aws:sts::{A}:assumed-role/AWSReservedSSO_AdministratorAccess_"
            "0123456789abcdef/carol@example.com", False, False, True, True),
    "idcuser": ("90676a1b2c-1111", False, False, False, True),
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
echo ok
