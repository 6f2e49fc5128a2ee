#!/usr/bin/env bash
# The syslog sink under `vigil run` against syslog_receiver.py, which parses
# every RFC 5424 message strictly: UDP and TCP (octet counting), the
# severity mapping, facility, header fields, structured data, message as
# text or JSON, the size limit, and a TCP receiver that comes up late.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

rpid=
vpid=

mkdir "$TMP/rules"
cat >"$TMP/rules/t.lua" <<'L'
for _, sev in ipairs({ "info", "low", "medium", "high", "critical" }) do
  rule {
    id = "t.syslog." .. sev,
    title = "a " .. sev .. " event",
    severity = sev,
    on = { eventSource = "test.example.com", eventName = "Sev_" .. sev },
    output = "{actor} did {eventName} #{requestParameters.n}",
  }
end
rule {
  id = "t.syslog.a_rather_long_rule_identifier_xyz",
  title = "long id",
  severity = "low",
  on = { eventSource = "test.example.com", eventName = "Long" },
  output = "{actor} \"quoted\" ]bracket\\ #{requestParameters.n}",
}
L
n=0
for sev in info low medium high critical info low medium high critical Long; do
  n=$((n + 1))
  name="Sev_$sev"
  [ "$sev" = Long ] && name=Long
  printf '{"eventVersion":"1.09","eventTime":"2024-05-21T14:00:%02dZ","eventSource":"test.example.com","eventName":"%s","eventID":"e%d","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u\\"%d]"},"requestParameters":{"n":%d}}\n' \
    "$n" "$name" "$n" "$n" "$n"
done >"$TMP/events.jsonl"

# receiver udp|tcp NAME [PORT]: a receiver logging to $TMP/NAME.jsonl; sets $port.
receiver() {
  [ -n "$rpid" ] && kill "$rpid" 2>/dev/null
  rm -f "$TMP/port"
  python3 "$here/syslog_receiver.py" --transport "$1" --port-file "$TMP/port" \
    --log "$TMP/$2.jsonl" --port "${3:-0}" &
  rpid=$!
  for _ in $(seq 100); do
    [ -s "$TMP/port" ] && break
    sleep 0.05
  done
  port=$(cat "$TMP/port")
}

conf() { # conf SINK-CONFIG
  cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "log": {"level": "info"},
 "sources": [{"name": "in", "type": "file", "config": {"paths": ["$TMP/events.jsonl"]}}],
 "sinks": [{"name": "sl", "type": "syslog", "config": $1}]}
J
}

# wait_lines FILE N: the receiver writes asynchronously to vigil's exit.
wait_lines() {
  for _ in $(seq 100); do
    [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.05
  done
  fail "$1 has $(wc -l <"$1") lines, expected $2"
}

# check FILE FACILITY APP SD-ID MSG(text|json): every message, field by field.
check() {
  python3 - "$@" <<'P' || fail "syslog messages in $1"
import json, re, sys
path, facility, app, sd_id, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
recs = [json.loads(l) for l in open(path)]
assert len(recs) == 11, len(recs)
sev = {"critical": 2, "high": 3, "medium": 4, "low": 5, "info": 6}
nums = []
for r in recs:
    assert "error" not in r, r
    assert r["version"] == 1 and r["facility"] == facility, r
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["timestamp"]), r
    assert r["hostname"] == "vigil-test-host" and r["app"] == app, r
    assert r["procid"].isdigit(), r
    sd = r["sd"][sd_id]
    rule = sd["rule"]
    assert r["msgid"] == rule[:32], (r["msgid"], rule)
    assert r["severity"] == sev[sd["severity"]], r
    n = int(sd["eventTime"][-3:-1])
    assert sd["actor"] == 'arn:aws:iam::111122223333:user/u"%d]' % n, sd
    if kind == "json":
        alert = json.loads(r["msg"])
        assert alert["rule_id"] == rule and alert["event_id"] == "e%d" % n, alert
    else:
        assert r["msg"].endswith("#%d" % n), r["msg"]
    nums.append(n)
    if rule.endswith("xyz"):
        assert r["msgid"] == "t.syslog.a_rather_long_rule_iden", r["msgid"]
        assert sd["severity"] == "low" and r["severity"] == 5, r
        if kind == "text":
            assert r["msg"] == 'arn:aws:iam::111122223333:user/u"11] "quoted" ]bracket\\ #11', r["msg"]
assert sorted(nums) == list(range(1, 12)), nums
P
}

# 1. UDP, defaults: facility authpriv (10), APP-NAME vigil, the message line.
receiver udp udp
conf "{\"address\": \"127.0.0.1:$port\", \"hostname\": \"vigil-test-host\"}"
expect_status 0 "$VIGIL" run -c "$TMP/conf.json"
grep_in "$TMP/err" "syslog sink: sending to 127\.0\.0\.1:$port over udp, facility authpriv"
wait_lines "$TMP/udp.jsonl" 11
check "$TMP/udp.jsonl" 10 vigil vigil@32473 text

# 2. TCP, octet counting, with every option that shapes a message.
receiver tcp tcp
conf "{\"address\": \"127.0.0.1:$port\", \"transport\": \"tcp\", \"hostname\": \"vigil-test-host\",
       \"facility\": \"local3\", \"app_name\": \"vg\", \"sd_id\": \"alerts@12345\",
       \"message\": \"json\"}"
expect_status 0 "$VIGIL" run -c "$TMP/conf.json"
wait_lines "$TMP/tcp.jsonl" 11
check "$TMP/tcp.jsonl" 19 vg alerts@12345 json

# 3. max_message_bytes: JSON messages cut to fit, on a character boundary.
receiver udp small
conf "{\"address\": \"127.0.0.1:$port\", \"message\": \"json\", \"max_message_bytes\": 480}"
expect_status 0 "$VIGIL" run -c "$TMP/conf.json"
grep_in "$TMP/err" 'syslog sink: stopped; 11 messages sent, 0 handed back for a later retry, 11 shortened'
wait_lines "$TMP/small.jsonl" 11
python3 - "$TMP/small.jsonl" <<'P' || fail "messages over max_message_bytes"
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    assert "error" not in r and r["length"] <= 480 and r["length"] > 400, r
    assert r["msg"].startswith('{"rule_id":"t.syslog.'), r["msg"]
P

# 4. TCP receiver down at first: alerts are handed back while connecting
#    fails, and all arrive once it listens.
kill "$rpid"
rpid=
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
conf "{\"address\": \"127.0.0.1:$port\", \"transport\": \"tcp\", \"hostname\": \"vigil-test-host\",
       \"reconnect_min_ms\": 50, \"reconnect_max_ms\": 100}"
"$VIGIL" run -c "$TMP/conf.json" 2>"$TMP/late.err" &
vpid=$!
sleep 0.6
receiver tcp late "$port"
st=0
wait "$vpid" || st=$?
vpid=
[ "$st" -eq 0 ] || { cat "$TMP/late.err" >&2; fail "vigil run exited $st with a late receiver"; }
grep_in "$TMP/late.err" "cannot connect to 127\.0\.0\.1:$port: connection refused; trying again"
grep_in "$TMP/late.err" "connected to 127\.0\.0\.1:$port again"
wait_lines "$TMP/late.jsonl" 11
check "$TMP/late.jsonl" 10 vigil vigil@32473 text
echo ok
