#!/usr/bin/env bash
# One `vigil run` as an operator would leave it running: the http source and
# the file source in follow mode feed the webhook and syslog sinks, which
# deliver to local receivers (webhook_receiver.py, syslog_receiver.py).
#
#  1. curl POSTs JSON Lines, a CloudTrail {"Records":[...]} document, an
#     EventBridge event and a gzip body (202); a bad token (401), a malformed
#     body (400) and a body over the limit (413) put nothing in.
#  2. A gzip CloudTrail object lands in the watched folder; lines (one of them
#     malformed) are appended to a tailed file.
#  3. Every expected alert reaches both receivers, once.
#  4. GET /metrics agrees with what was sent: events per source, alerts per
#     rule and severity, sink deliveries, decode errors. /healthz answers.
#  5. A last POST followed at once by SIGTERM: the run drains (every alert of
#     it delivered), exits 0, and its checkpoint covers the tailed file.
#  6. Every --log-format json line parses and carries time, level, component.
#  7. A restart on the same state folder reads only what was appended since;
#     rotation, truncation and deletion of the tailed file lose and repeat nothing.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
command -v curl >/dev/null || { echo "curl is not installed: skipped"; exit 77; }

pid=
hpid=
spid=
# Every step may fail (a process already gone) without skipping the rest:
# a receiver left running would hold ctest's output pipe open.

mkdir "$TMP/rules" "$TMP/landing" "$TMP/state"
cat >"$TMP/rules/t.lua" <<'L'
rule {
  id = "t.live.seen",
  title = "a test event",
  severity = "high",
  on = { eventSource = "test.example.com", eventName = "Seen" },
  output = "{actor} saw #{requestParameters.n}",
}
rule {
  id = "t.live.boom",
  title = "a critical test event",
  severity = "critical",
  on = { eventSource = "test.example.com", eventName = "Boom" },
  output = "{actor} boomed #{requestParameters.n}",
}
L

# ev N NAME: one CloudTrail record (event id eN) on one line.
ev() {
  local t who
  t=$(printf '2024-05-21T14:%02d:%02dZ' $(($1 / 60 % 60)) $(($1 % 60)))
  who='{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u'$(($1 % 5))'"}'
  printf '{"eventVersion":"1.09","eventTime":"%s","eventSource":"test.example.com",' "$t"
  printf '"eventName":"%s","eventID":"e%d","userIdentity":%s,"requestParameters":{"n":%d}}' \
    "$2" "$1" "$who" "$1"
}

# wait_for FILE: a receiver's port file, written once it listens.
wait_for() {
  for _ in $(seq 200); do
    [ -s "$1" ] && return 0
    sleep 0.05
  done
  fail "$1 never appeared"
}

python3 "$here/webhook_receiver.py" --port-file "$TMP/hport" --log "$TMP/hook.jsonl" &
hpid=$!
python3 "$here/syslog_receiver.py" --transport tcp --port-file "$TMP/sport" \
  --log "$TMP/syslog.jsonl" &
spid=$!
wait_for "$TMP/hport"
wait_for "$TMP/sport"
touch "$TMP/hook.jsonl" "$TMP/syslog.jsonl"

printf 'tok-%s\n' "$RANDOM$RANDOM" >"$TMP/token"
chmod 600 "$TMP/token"
tok=$(cat "$TMP/token")

# The tailed file exists at start with one record (read at start).
{ ev 11 Seen; echo; } >"$TMP/app.log"

cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "state_dir": "$TMP/state",
 "metrics_listen": "127.0.0.1:0", "log": {"level": "info"},
 "sources": [
   {"name": "api", "type": "http",
    "config": {"listen": "127.0.0.1:0", "token_file": "$TMP/token", "max_body_bytes": 8192}},
   {"name": "trail", "type": "file",
    "config": {"paths": ["$TMP/landing", "$TMP/app.log"], "follow": true,
               "settle_ms": 200, "poll_ms": 200, "checkpoint_ms": 100}}],
 "sinks": [
   {"name": "hook", "type": "webhook",
    "config": {"url": "http://127.0.0.1:$(cat "$TMP/hport")/alerts", "retry_base_ms": 50}},
   {"name": "sl", "type": "syslog",
    "config": {"address": "127.0.0.1:$(cat "$TMP/sport")", "transport": "tcp",
               "message": "json"}}]}
J

# start LOG: vigil run in the background, JSON logs in LOG; sets $pid, $port, $mport.
start() {
  : >"$1" # there before the first look, however the shell schedules the child
  "$VIGIL" run -c "$TMP/conf.json" --log-format json 2>"$1" &
  pid=$!
  port= mport=
  for _ in $(seq 200); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$1")
    mport=$(sed -n 's/.*GET \/metrics and \/healthz on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1")
    [ -n "$port" ] && [ -n "$mport" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  cat "$1" >&2
  fail "vigil run did not say where it listens"
}

# stop WANT LOG: SIGTERM, then it must exit on its own with WANT (2 when some
# input was malformed while it ran, else 0).
stop() {
  local st=0
  kill -TERM "$pid"
  wait "$pid" || st=$?
  pid=
  [ "$st" -eq "$1" ] || { tail -20 "$2" >&2; fail "vigil run exited $st after SIGTERM, not $1"; }
}

start "$TMP/run.err"
url="http://127.0.0.1:$port/v1/events"
auth="Authorization: Bearer $tok"

# post WANT-STATUS CURL-ARGS...: the answer body is left in $TMP/body.
post() {
  local want=$1; shift
  local got
  got=$(curl -sS -o "$TMP/body" -w '%{http_code}' "$@") || fail "curl failed: $*"
  [ "$got" = "$want" ] || { cat "$TMP/body" >&2; fail "got HTTP $got, expected $want for: $*"; }
}

# 1. HTTP: 8 records in (e1..e8), 6 of them raise alerts.
{ ev 1 Seen; echo; ev 2 Other; echo; ev 3 Boom; echo; } >"$TMP/lines.jsonl"
post 202 -H "$auth" --data-binary @"$TMP/lines.jsonl" "$url"
grep_in "$TMP/body" '"accepted":3'
printf '{"Records": [\n %s,\n %s\n]}\n' "$(ev 4 Seen)" "$(ev 5 Seen)" >"$TMP/doc.json"
post 202 -H "$auth" -H 'Content-Type: application/json' --data-binary @"$TMP/doc.json" "$url"
{
  printf '{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail",'
  printf '"source":"aws.test","account":"111122223333","time":"2024-05-21T14:00:06Z",'
  printf '"region":"us-east-1","resources":[],"detail":%s}\n' "$(ev 6 Boom)"
} >"$TMP/eb.json"
post 202 -H "$auth" --data-binary @"$TMP/eb.json" "$url"
{ ev 7 Seen; echo; ev 8 Other; echo; } | gzip -c >"$TMP/g.gz"
post 202 -H "$auth" -H 'Content-Encoding: gzip' --data-binary @"$TMP/g.gz" "$url"
grep_in "$TMP/body" '"accepted":2'
# Refused whole: nothing of these bodies goes in (e90.. would show up).
{ ev 90 Seen; echo; } >"$TMP/one.jsonl"
post 401 -H "Authorization: Bearer ${tok}x" --data-binary @"$TMP/one.jsonl" "$url"
{ ev 91 Seen; echo; echo '{"eventName": }'; } >"$TMP/bad.jsonl"
post 400 -H "$auth" --data-binary @"$TMP/bad.jsonl" "$url"
grep_in "$TMP/body" '"error":"line 2, column 15: '
{ for n in $(seq 92 130); do ev "$n" Seen; echo; done; } >"$TMP/big.jsonl"
post 413 -H "$auth" --data-binary @"$TMP/big.jsonl" "$url"
post 200 "http://127.0.0.1:$port/healthz"

# 2. Files: a gzip CloudTrail object lands (written aside, moved in, as S3
#    sync does), and the tailed file grows by three lines, one malformed.
printf '{"Records":[%s,%s]}' "$(ev 9 Seen)" "$(ev 10 Boom)" | gzip -c >"$TMP/obj.part"
mv "$TMP/obj.part" "$TMP/landing/111122223333_CloudTrail_us-east-1_x.json.gz"
{ ev 12 Boom; echo; echo '{"eventName": "Seen", oops}'; ev 13 Seen; echo; } >>"$TMP/app.log"

# 3. 11 alerts at each receiver: e1 e3 e4 e5 e6 e7 e9 e10 e11 e12 e13.
want="e1 e10 e11 e12 e13 e3 e4 e5 e6 e7 e9"
# got FILE: the event ids a receiver's log holds, sorted, space-separated.
got() {
  python3 - "$1" <<'P'
import json, sys
ids = []
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        r = json.loads(line)
    except ValueError:
        continue  # a line being written
    if "body" in r:  # webhook_receiver.py: one alert per POST (batch_max 1)
        if r["status"] == 200:
            ids.append(json.loads(r["body"])["event_id"])
    elif "msg" in r:  # syslog_receiver.py with message "json"
        ids.append(json.loads(r["msg"])["event_id"])
    else:
        ids.append("ERROR:" + json.dumps(r))
print(" ".join(sorted(ids)))
P
}
arrived() {
  [ "$(got "$TMP/hook.jsonl")" = "$want" ] && [ "$(got "$TMP/syslog.jsonl")" = "$want" ]
}
# wait_want WHEN: both receivers come to hold exactly $want (ids, any order)
# within 15 s. They write after vigil's send returns (TCP syslog has no
# acknowledgement), so even after vigil exits the last lines may be on the way.
wait_want() {
  want=$(echo "$want" | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')
  for _ in $(seq 150); do
    arrived && return 0
    sleep 0.1
  done
  tail -20 "$TMP/run.err" >&2
  fail "$1: webhook got [$(got "$TMP/hook.jsonl")]," \
    "syslog [$(got "$TMP/syslog.jsonl")], want [$want]"
}
wait_want "alerts"
python3 - "$TMP/hook.jsonl" "$TMP/syslog.jsonl" <<'P' || fail "alert contents at the receivers"
import json, sys
hook = [json.loads(l) for l in open(sys.argv[1])]
for r in hook:
    a = json.loads(r["body"])
    assert r["path"] == "/alerts", r["path"]
    sev = {"t.live.seen": "high", "t.live.boom": "critical"}[a["rule_id"]]
    assert a["severity"] == sev, a
    want_src = "api" if int(a["event_id"][1:]) <= 8 else "trail"
    assert a["origin"]["source"] == want_src, (a["event_id"], a["origin"])
for r in map(json.loads, open(sys.argv[2])):
    a = json.loads(r["msg"])
    # RFC 5424 severities: critical 2, high 3.
    assert r["severity"] == {"critical": 2, "high": 3}[a["severity"]], r
    assert r["msgid"] == a["rule_id"], r
P

# 4. The metrics agree with what was sent.
curl -sS -o "$TMP/metrics" -w '%{http_code}\n' "http://127.0.0.1:$mport/metrics" >"$TMP/code"
[ "$(cat "$TMP/code")" = 200 ] || fail "GET /metrics answered $(cat "$TMP/code")"
post 200 "http://127.0.0.1:$mport/healthz"
post 404 "http://127.0.0.1:$mport/nope"
post 405 -X POST "http://127.0.0.1:$mport/metrics"
curl -sS -I "http://127.0.0.1:$mport/metrics" >"$TMP/head"
grep_in "$TMP/head" '^HTTP/1.1 200 OK'
grep_in "$TMP/head" '^Content-Type: text/plain; version=0.0.4; charset=utf-8'
# The metrics port's own limits: oversized headers 431, garbage 400, and past
# 16 connections new ones are closed at once while scrapes still work after.
python3 - "$mport" <<'P' || fail "metrics port limits"
import socket, sys
port = int(sys.argv[1])
def ask(data):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out.split(b"\r\n", 1)[0]
assert ask(b"GET /metrics HTTP/1.1\r\nX-Pad: " + b"a" * 9000 + b"\r\n\r\n") == \
    b"HTTP/1.1 431 Request Header Fields Too Large", "431"
assert ask(b"\x16\x03\x01 not http\r\n\r\n") == b"HTTP/1.1 400 Bad Request", "400"
idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(16)]
extra = socket.create_connection(("127.0.0.1", port), timeout=5)
assert extra.recv(100) == b"", "the 17th connection was not closed"
extra.close()
for s in idle:
    s.close()
# The server frees the slots as it sees those closes: try for a while.
import time
for _ in range(50):
    try:
        if ask(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") == b"HTTP/1.1 200 OK":
            break
    except ConnectionError:
        pass
    time.sleep(0.05)
else:
    raise AssertionError("no scrape after the idle connections closed")
P
python3 - "$TMP/metrics" <<'P' || fail "metrics differ from what was sent"
import re, sys
samples = {}
families = {}
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    m = re.fullmatch(r"# TYPE (\w+) (counter|gauge)", line)
    if m:
        families[m.group(1)] = m.group(2)
        continue
    if line.startswith("#") or not line:
        continue
    m = re.fullmatch(r'(\w+)(\{[^}]*\})? ([0-9.]+)', line)
    assert m, "not a sample line: %r" % line
    labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', m.group(2) or "")))
    samples[(m.group(1), labels)] = float(m.group(3))
    assert m.group(1) in families, "sample before its TYPE: %r" % line

def v(name, **labels):
    key = (name, tuple(sorted(labels.items())))
    assert key in samples, "no sample %s %s" % (name, labels)
    return samples[key]

checks = [
    (v("vigil_source_events_total", source="api"), 8),
    # e9, e10 from the object; e11, e12, e13 tailed (the malformed line is
    # a decode error, not an event).
    (v("vigil_source_events_total", source="trail"), 5),
    (v("vigil_decode_errors_total"), 1),
    (v("vigil_alerts_total", rule="t.live.seen", severity="high"), 7),
    (v("vigil_alerts_total", rule="t.live.boom", severity="critical"), 4),
    (v("vigil_sink_deliveries_total", sink="hook"), 11),
    (v("vigil_sink_deliveries_total", sink="sl"), 11),
    (v("vigil_sink_failures_total", sink="hook"), 0),
    (v("vigil_sink_failures_total", sink="sl"), 0),
    (v("vigil_alerts_undelivered_total"), 0),
    (v("vigil_alerts_in_flight"), 0),
    (v("vigil_workers"), 2),
    # Both sinks took everything: their spools (under state_dir) are empty.
    (v("vigil_spool_alerts", sink="hook"), 0),
    (v("vigil_spool_alerts", sink="sl"), 0),
    (v("vigil_backpressure"), 0),
]
for got, want in checks:
    assert got == want, (got, want, checks.index((got, want)))
# No other rule or severity fired.
fired = [k for k in samples if k[0] == "vigil_alerts_total"]
assert len(fired) == 2, fired
assert families["vigil_alerts_total"] == "counter", families
assert families["vigil_spool_alerts"] == "gauge", families
P

# 5. A last POST, SIGTERM at once: everything it carried is delivered.
{ for n in $(seq 14 43); do ev "$n" Seen; echo; done; } >"$TMP/last.jsonl"
post 202 -H "$auth" --data-binary @"$TMP/last.jsonl" "$url"
grep_in "$TMP/body" '"accepted":30'
stop 2 "$TMP/run.err"
want="$want $(seq 14 43 | sed 's/^/e/' | tr '\n' ' ')"
wait_want "after SIGTERM"
python3 - "$TMP/state/trail/checkpoint.json" "$TMP/app.log" <<'P' || fail "checkpoint"
import json, os, sys
cp = json.load(open(sys.argv[1]))
f = [f for f in cp["files"] if f["path"] == sys.argv[2]]
assert len(f) == 1, cp
assert f[0]["offset"] == os.path.getsize(sys.argv[2]) and f[0]["line"] == 4, f[0]
P

# 6. JSON log lines: each parses and says when, how bad and who.
python3 - "$TMP/run.err" <<'P' || fail "--log-format json lines"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) >= 5, lines
seen = set()
for l in lines:
    r = json.loads(l)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]), r
    assert r["level"] in ("error", "warn", "info", "debug"), r
    assert isinstance(r["component"], str) and r["component"], r
    assert isinstance(r["msg"], str), r
    seen.add((r["component"], r.get("instance"), r["level"]))
    # An instance's name is never a component: core lines about it say host.
    assert r["component"] not in ("api", "trail", "hook", "sl"), r
    if "app.log:3" in r["msg"]:
        # The malformed tailed line: an error naming its file, line, source.
        assert r["level"] == "error" and r["component"] == "decode", r
        assert r["instance"] == "trail" and "malformed JSON" in r["msg"], r
        seen.add("decode error")
assert ("source.http", "api", "info") in seen, seen
assert ("source.file", "trail", "info") in seen, seen
assert ("sink.webhook", "hook", "info") in seen, seen
assert ("metrics", None, "info") in seen, seen
assert "decode error" in seen, seen
P
# A configuration error, with JSON logs asked for, is a JSON line too.
printf '{"sources": [], "bogus": 1}\n' >"$TMP/bad.json"
expect_status 2 "$VIGIL" run -c "$TMP/bad.json" --log-format json
python3 - "$TMP/err" "$TMP/bad.json" <<'P' || fail "configuration error as a JSON line"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
r = json.loads(lines[0])
assert r["level"] == "error" and r["component"] == "config", r
assert r["msg"] == '%s: unknown key "bogus"' % sys.argv[2], r
P
# 9 requests: 4 accepted, 3 refused, /healthz, the last POST; 37 JSON texts
# (JSON Lines count each line, a document one).
grep_in "$TMP/run.err" '"msg":"http source: stopped; 9 requests, 37 JSON texts accepted, 3 refused'

# 7. Restart on the same state: only what was appended since is read. Then
#    the tailed file is rotated as logrotate does (renamed, a new one made)
#    right after a last line went into the old one, and later truncated and
#    rewritten: every line is read once, none twice.
{ ev 44 Boom; echo; } >>"$TMP/app.log"
start "$TMP/run2.err"
want="$want e44"
wait_want "after restart"
{ ev 45 Seen; echo; } >>"$TMP/app.log"
mv "$TMP/app.log" "$TMP/app.log.1"
{ ev 46 Seen; echo; } >"$TMP/app.log"
want="$want e45 e46"
wait_want "after rotation"
: >"$TMP/app.log"
{ ev 47 Boom; echo; } >"$TMP/app.log"
want="$want e47"
wait_want "after truncation"
rm "$TMP/app.log.1"
sleep 0.3 # a scan notices the deletion (poll_ms 200); nothing more is read
stop 0 "$TMP/run2.err"
grep_in "$TMP/run2.err" '"msg":"stopped: 4 records, 4 alerts, 0 decode errors'
wait_want "after stopping"
echo ok
