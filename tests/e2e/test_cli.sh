#!/usr/bin/env bash
# The command line: help, version, exit statuses and error lines.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$VIGIL" --version
grep_in "$TMP/out" '^vigil [0-9]+\.[0-9]+\.[0-9]+ \(plugin ABI 1\.[0-9]+\)$'
expect_status 0 "$VIGIL" --help
for cmd in scan run test plugins; do
  expect_status 0 "$VIGIL" "$cmd" --help
  grep_in "$TMP/out" "^usage: vigil $cmd"
done
expect_status 2 "$VIGIL" frobnicate
grep_in "$TMP/err" "unknown command 'frobnicate'"
expect_status 2 "$VIGIL" scan
grep_in "$TMP/err" 'give at least one PATH'

# One quiet record: exit 0, nothing printed.
cat >"$TMP/quiet.jsonl" <<'J'
{"eventVersion":"1.08","eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/dev"}}
J
expect_status 0 "$VIGIL" scan "$TMP/quiet.jsonl"
[ ! -s "$TMP/out" ] || fail "a quiet scan printed alerts"

# One alerting record: exit 1, one line naming the rule.
cat >"$TMP/stop.jsonl" <<'J'
{"eventVersion":"1.08","eventTime":"2024-01-01T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","userName":"mallory"},"requestParameters":{"name":"main-trail"},"eventID":"e1"}
J
expect_status 1 "$VIGIL" scan --color never "$TMP/stop.jsonl"
grep_in "$TMP/out" 'CRITICAL aws\.cloudtrail\.stop_logging .*mallory'
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "expected exactly one alert line"

# The same record from stdin, as JSON: a parseable alert with the model's fields.
expect_status 1 "$VIGIL" scan -f json - <"$TMP/stop.jsonl"
python3 - "$TMP/out" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
assert len(alerts) == 1, alerts
a = alerts[0]
for k in ("rule_id", "title", "severity", "tags", "message", "event_time", "detected_at",
          "actor", "account", "region", "source_ip", "user_agent", "event_id", "runbook",
          "context", "duplicates", "event", "origin"):
    assert k in a, "missing " + k
assert a["actor"] == "arn:aws:iam::111122223333:user/mallory"
assert a["event_id"] == "e1" and a["duplicates"] == 1
assert a["event"]["requestParameters"]["name"] == "main-trail"
assert a["origin"]["stream"] == "stdin" and a["origin"]["line"] == 1
for k in ("about", "risks", "console", "cli"):
    assert a["runbook"][k], "runbook." + k
PY

# A malformed line: exit 2, an error naming file:line, the lines around it still alert.
{ cat "$TMP/stop.jsonl"; echo '{"eventName": "StopLogging", "eventTime": '
  sed 's/"e1"/"e3"/' "$TMP/stop.jsonl"; } >"$TMP/bad.jsonl"
expect_status 2 "$VIGIL" scan --color never "$TMP/bad.jsonl"
grep_in "$TMP/err" "bad\.jsonl:2: .*malformed JSON"
[ "$(grep -c 'aws\.cloudtrail\.stop_logging' "$TMP/out")" -eq 2 ] || fail "lost a good line"

# The lines after the first reach the workers as one run (VIGIL_FORMAT_NDJSON),
# split there: CRLF, blank and whitespace-only lines, a malformed line and a
# last line without a newline keep their own line numbers, in alerts and errors.
{ cat "$TMP/stop.jsonl"; printf '\n'
  sed 's/"e1"/"e3"/' "$TMP/stop.jsonl" | tr -d '\n'; printf '\r\n'
  printf '{"eventName": \n \t \n'
  sed 's/"e1"/"e6"/' "$TMP/stop.jsonl" | tr -d '\n'; } >"$TMP/run.jsonl"
expect_status 2 "$VIGIL" scan -f json "$TMP/run.jsonl"
grep_in "$TMP/err" "run\.jsonl:4: .*malformed JSON"
[ "$(grep -c 'malformed' "$TMP/err")" -eq 1 ] || fail "a blank line was taken for a record"
python3 - "$TMP/out" <<'PY' || fail "alerts of a run of lines"
import json, sys
got = sorted((a["event_id"], a["origin"]["line"]) for a in map(json.loads, open(sys.argv[1])))
assert got == [("e1", 1), ("e3", 3), ("e6", 6)], got
PY

# A first line that is not a whole value does not make the file one document
# when the next line is one by itself: the bad line is an error with its
# number and the records after it still alert (a header line, a cut record).
for first in '# exported by a tool' '{"eventName": "StopLogging", "eventTime": "'; do
  { printf '%s\n' "$first"; cat "$TMP/stop.jsonl"
    sed 's/"e1"/"e3"/' "$TMP/stop.jsonl"; } >"$TMP/head.jsonl"
  expect_status 2 "$VIGIL" scan -f json "$TMP/head.jsonl"
  grep_in "$TMP/err" "head\.jsonl:1: "
  python3 - "$TMP/out" <<'PY' || fail "alerts after a bad first line ($first)"
import json, sys
got = sorted((a["event_id"], a["origin"]["line"]) for a in map(json.loads, open(sys.argv[1])))
assert got == [("e1", 2), ("e3", 3)], got
PY
done
# A pretty-printed array with one element per line is still one document
# (read as lines, its brackets would be errors and the exit status 2).
{ printf '[\n'; cat "$TMP/stop.jsonl"; printf ']\n'; } >"$TMP/array.json"
expect_status 1 "$VIGIL" scan -f json "$TMP/array.json"
python3 - "$TMP/out" <<'PY' || fail "a one-element pretty array"
import json, sys
got = [(a["event_id"], a["origin"]["line"]) for a in map(json.loads, open(sys.argv[1]))]
assert got == [("e1", 2)], got  # the line the record starts on
PY
[ ! -s "$TMP/err" ] || fail "errors for a one-element pretty array: $(cat "$TMP/err")"

# A missing plugin folder entry does not matter; a missing input path is an error.
expect_status 2 "$VIGIL" scan "$TMP/does-not-exist.json"
grep_in "$TMP/err" 'does-not-exist\.json'

# A rule file that does not load stops start-up with file:line.
mkdir -p "$TMP/rules"
printf 'rule {\n  id = "x",\n  title = "t",\n  severity = "urgent",\n}\n' >"$TMP/rules/bad.lua"
expect_status 2 "$VIGIL" scan --rules "$TMP/rules" "$TMP/stop.jsonl"
grep_in "$TMP/err" "bad\.lua:1: rule 'x': severity must be one of"
printf 'rule { id = "y", title = "t", severity = "low", colour = "red" }\n' >"$TMP/rules/bad.lua"
expect_status 2 "$VIGIL" scan --rules "$TMP/rules" "$TMP/stop.jsonl"
grep_in "$TMP/err" "bad\.lua:1: rule: unknown field 'colour'"
printf 'rule { id = "z", title = "t", severity = "low" \n' >"$TMP/rules/bad.lua"
expect_status 2 "$VIGIL" scan --rules "$TMP/rules" "$TMP/stop.jsonl"
grep_in "$TMP/err" "bad\.lua:2: .*expected"

# A record whose eventName is not a string is an error with its record index.
echo '{"Records":[{"eventName":5,"eventTime":"2024-01-01T00:00:00Z"}]}' >"$TMP/num.json"
expect_status 2 "$VIGIL" scan "$TMP/num.json"
grep_in "$TMP/err" 'num\.json:1: record 0: eventName is not a string'
echo '{"Records":{"a":1}}' >"$TMP/rec.json"
expect_status 2 "$VIGIL" scan "$TMP/rec.json"
grep_in "$TMP/err" '"Records" is not an array'

# Closed standard descriptors (cron, daemons) neither abort nor hang.
expect_status 1 bash -c '"$0" scan "$1" >&- 2>&-; exit $?' "$VIGIL" "$TMP/stop.jsonl"
expect_status 0 timeout 20 bash -c '"$0" scan - <&-' "$VIGIL"

# pcall cannot swallow the instruction budget, at run time or at load.
printf 'rule { id = "spin", title = "t", severity = "low", on = { eventName = "StopLogging" },\n'\
'  when = function(e) while true do pcall(function() while true do end end) end end }\n' \
  >"$TMP/rules/bad.lua"
expect_status 2 timeout 60 "$VIGIL" scan --rules "$TMP/rules" "$TMP/stop.jsonl"
grep_in "$TMP/err" "rule spin .*bad\.lua:2: instruction budget exceeded"
printf 'while true do pcall(function() while true do end end) end\n' >"$TMP/rules/bad.lua"
expect_status 2 timeout 60 "$VIGIL" scan --rules "$TMP/rules" "$TMP/stop.jsonl"
grep_in "$TMP/err" "bad\.lua:1: instruction budget exceeded"
echo "ok"
