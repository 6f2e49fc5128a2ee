#!/usr/bin/env bash
# The helpers vigil.native computes in C for the record's byte view and Lua
# computes for everything else: vigil.data's distinct-count keys
# secret_target() and parameter_target() (the common GetSecretValue and
# GetParameter shapes in C) and vigil.net's is_instance_session(). Each
# record is scanned twice, on byte views and with VIGIL_FAST_PATH=off on
# tree views (Lua throughout): both must give what this test expects. A
# secret key follows the ARN grammar
# arn:<partition>:secretsmanager:<region>:<account digits>:secret:<name>,
# a name losing its "-" and six letters or digits of suffix; an instance
# session is an AssumedRole one with ec2RoleDelivery, or whose arn ends
# ":assumed-role/<role>/i-" and 8 or 17 hex digits.
. "$(dirname "$0")/lib.sh"

cd "$TMP"
cat >r.lua <<'L'
local data = require "vigil.data"
local net = require "vigil.net"
rule { id = "t.keys", title = "t", severity = "low", on = { eventName = "Probe" },
  context = function(e)
    return { secret = data.secret_target(e) or "(nil)",
             parameter = data.parameter_target(e) or "(nil)",
             instance = net.is_instance_session(e) }
  end }
L
python3 - <<'PY'
import json
P = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:"
cases = {  # id: (requestParameters, secret key, parameter key)
    "plain": ({"secretId": "prod/db"}, "prod/db", "(nil)"),
    "arn_suffix": ({"secretId": P + "prod/db-AbC123"}, "prod/db", "(nil)"),
    "arn_nosuffix": ({"secretId": P + "prod/db"}, "prod/db", "(nil)"),
    "arn_bad_suffix": ({"secretId": P + "prod/db-AbC_12"}, "prod/db-AbC_12", "(nil)"),
    "arn_short_suffix": ({"secretId": P + "db-AbC12"}, "db-AbC12", "(nil)"),
    "arn_only_suffix": ({"secretId": P + "-AbC123"}, "", "(nil)"),
    "arn_cn": ({"secretId": "arn:aws-cn:secretsmanager:cn-north-1:1:secret:x-123456"},
               "x", "(nil)"),
    "arn_empty_region_account": ({"secretId": "arn:aws:secretsmanager:::secret:x"}, "x",
                                 "(nil)"),
    "arn_no_partition": ({"secretId": "arn::secretsmanager:r:1:secret:x"},
                         "arn::secretsmanager:r:1:secret:x", "(nil)"),
    "arn_bad_account": ({"secretId": "arn:aws:secretsmanager:r:12a:secret:x"},
                        "arn:aws:secretsmanager:r:12a:secret:x", "(nil)"),
    "arn_no_name": ({"secretId": P}, P, "(nil)"),
    "arn_other_service": ({"secretId": "arn:aws:ssm:r:1:secret:x"},
                          "arn:aws:ssm:r:1:secret:x", "(nil)"),
    "arn_name_colons": ({"secretId": P + "a:b-ABCDEF"}, "a:b", "(nil)"),
    "escaped": ({"secretId": "ESC"}, "prod/db", "(nil)"),
    "empty_id": ({"secretId": ""}, "(nil)", "(nil)"),
    "number_id": ({"secretId": 7}, "(nil)", "(nil)"),
    "id_list": ({"secretIdList": [P + "b-123456", "a"]}, "a,b", "(nil)"),
    "param": ({"name": "/prod/app/p1"}, "(nil)", "/prod/app/p1"),
    "param_empty": ({"name": ""}, "(nil)", ""),
    "param_path": ({"path": "/prod", "recursive": True}, "(nil)", "/prod/*"),
    "param_names": ({"names": ["/b", "/a"]}, "(nil)", "/a,/b"),
    "nothing": ({}, "(nil)", "(nil)"),
}
R = "arn:aws:sts::1:assumed-role/"
ids = {  # id: (userIdentity, is_instance_session)
    "inst_delivery": ({"type": "AssumedRole", "arn": R + "web/s1",
                       "sessionContext": {"ec2RoleDelivery": "2.0"}}, True),
    "inst_empty_delivery": ({"type": "AssumedRole", "arn": R + "web/s1",
                             "sessionContext": {"ec2RoleDelivery": ""}}, False),
    "inst_17": ({"type": "AssumedRole", "arn": R + "web/i-0abc1234def567890"}, True),
    "inst_8": ({"type": "AssumedRole", "arn": R + "web/i-0ABC1234"}, True),
    "inst_9": ({"type": "AssumedRole", "arn": R + "web/i-0abc12345"}, False),
    "inst_not_hex": ({"type": "AssumedRole", "arn": R + "web/i-0abc1234def56789g"}, False),
    "inst_no_role": ({"type": "AssumedRole", "arn": R + "/i-12345678"}, False),
    "inst_upper_i": ({"type": "AssumedRole", "arn": R + "web/I-12345678"}, False),
    "inst_path": ({"type": "AssumedRole", "arn": R + "web/x/i-12345678"}, False),
    "inst_bare": ({"type": "AssumedRole", "arn": R + "web/i-"}, False),
    "inst_no_session": ({"type": "AssumedRole", "arn": R + "web"}, False),
    "inst_user": ({"type": "IAMUser", "arn": R + "web/i-12345678",
                   "sessionContext": {"ec2RoleDelivery": "2.0"}}, False),
    "inst_escaped": ({"type": "AssumedRole", "arn": "ESCARN"}, True),
    "inst_no_type": ({"arn": R + "web/i-12345678"}, False),
}
with open("ev.jsonl", "w") as f:
    for k, (rp, _, _) in cases.items():
        e = {"eventName": "Probe", "eventID": k, "eventTime": "2024-01-01T00:00:00Z",
             "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/a"},
             "requestParameters": rp}
        text = json.dumps(e)
        if k == "escaped":  # "prod\u002fdb", as a logger may write it
            text = text.replace('"ESC"', '"prod\\u002fdb"')
        f.write(text + "\n")
    for k, (u, _) in ids.items():
        e = {"eventName": "Probe", "eventID": k, "eventTime": "2024-01-01T00:00:00Z",
             "userIdentity": u}
        text = json.dumps(e).replace('"ESCARN"',
                                     '"' + R + 'web\\/i-12345678"')  # an escaped slash
        f.write(text + "\n")
want = {k: [s, p, False] for k, (_, s, p) in cases.items()}
want.update({k: ["(nil)", "(nil)", i] for k, (_, i) in ids.items()})
with open("want.json", "w") as f:
    json.dump(want, f)
PY
grep -q 'prod\\u002fdb' ev.jsonl || fail "the escaped secretId did not reach the file"
grep -q 'web\\/i-12345678' ev.jsonl || fail "the escaped arn did not reach the file"
both_views 1 "$VIGIL" scan -w 1 -f json --rules r.lua ev.jsonl
for run in out_bytes out_tree; do
  python3 - "$TMP/$run" "$TMP/want.json" <<'PY' || fail "helpers wrong in $run"
import json, sys
want = json.load(open(sys.argv[2]))
got = {}
for line in open(sys.argv[1]):
    a = json.loads(line)
    c = a["context"]
    got[a["event_id"]] = [c["secret"], c["parameter"], c["instance"]]
bad = 0
for k, w in want.items():
    if got.get(k) != w:
        print(f"{k}: got {got.get(k)}, want {w}", file=sys.stderr)
        bad += 1
sys.exit(bad)
PY
done
echo ok
