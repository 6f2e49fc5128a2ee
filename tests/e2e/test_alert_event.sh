#!/usr/bin/env bash
# An alert carries its event as the record's own JSON on one line, written
# from the bytes (core/alert.c), with nothing parsed into a tree: from a
# pretty-printed {"Records":[...]} file the alert is still one line and its
# event the same value as the record; the template reads the same bytes; a
# record that cJSON refuses (a lone surrogate escape, valid JSON) alerts on
# the fast path with its escape kept as written.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/rules"
cat >"$TMP/rules/stop.lua" <<'LUA'
rule {
  id = "t.stop", title = "Trail stopped", severity = "low",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" },
  output = "{actor} stopped {requestParameters.name} with {userAgent} {requestParameters}",
}
LUA

python3 - "$TMP" <<'PY'
import json, sys
d = sys.argv[1]
rec = {"eventVersion": "1.08", "eventTime": "2024-05-21T14:00:04Z",
       "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
       "awsRegion": "eu-west-1", "userAgent": "aws cli/2 \"quoted\" \\ back",
       "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/a b"},
       "requestParameters": {"name": "main trail", "n": [1, 2.50, {"k": None}]},
       "recipientAccountId": "1"}
with open(d + "/pretty.json", "w") as f:
    json.dump({"Records": [rec]}, f, indent=4)
# 2.50 as written: json.dump would print 2.5
t = open(d + "/pretty.json").read().replace("2.5,", "2.50,")
open(d + "/pretty.json", "w").write(t)
lone = json.dumps(dict(rec, userAgent="x"), separators=(",", ":"))
open(d + "/lone.jsonl", "w").write(lone.replace('"userAgent":"x"',
                                                '"userAgent":"bad \\ud800 agent"') + "\n")
PY

expect_status 1 "$VIGIL" scan --rules "$TMP/rules" -f json --stats "$TMP/pretty.json" # 1: alerts
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "want one alert line, got $(wc -l <"$TMP/out")"
python3 - "$TMP" <<'PY' || fail "the alert's event is not the record"
import json, sys
d = sys.argv[1]
alert = json.loads(open(d + "/out").read())
rec = json.load(open(d + "/pretty.json"))["Records"][0]
assert alert["event"] == rec, alert["event"]
want = ('arn:aws:iam::1:user/a b stopped main trail with aws cli/2 "quoted" \\ back '
        '{"name":"main trail","n":[1,2.50,{"k":null}]}')
assert alert["message"] == want, alert["message"]
assert alert["user_agent"] == rec["userAgent"] and alert["region"] == "eu-west-1"
assert alert["account"] == "1" and alert["error_code"] is None
PY
grep -q '"n":\[1,2.50,' "$TMP/out" || fail "numbers are not kept as written"

expect_status 1 "$VIGIL" scan --rules "$TMP/rules" -f json --stats "$TMP/lone.jsonl"
[ "$(wc -l <"$TMP/out")" -eq 1 ] ||
  { cat "$TMP/err" >&2; fail "the lone-surrogate record did not alert"; }
grep -q '"userAgent":"bad \\ud800 agent"' "$TMP/out" || fail "the escape was not kept as written"
grep_in "$TMP/err" 'rule errors 0'
grep_in "$TMP/err" 'decode errors 0'
# The reference mode parses every record with cJSON, which refuses it (2).
VIGIL_FAST_PATH=off expect_status 2 "$VIGIL" scan --rules "$TMP/rules" -f json --stats \
  "$TMP/lone.jsonl"
[ ! -s "$TMP/out" ] || fail "VIGIL_FAST_PATH=off alerted on a record cJSON refuses"
grep_in "$TMP/err" 'decode errors 1'
echo "ok: alerts carry the record's own JSON on one line"
