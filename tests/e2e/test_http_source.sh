#!/usr/bin/env bash
# The http source under `vigil run`, driven with curl: events POSTed as JSON
# Lines, gzip and a CloudTrail document become alerts in the file sink;
# malformed bodies get 400 with the line, bad tokens 401, large bodies 413;
# /healthz answers; SIGTERM stops the server cleanly.
#
# 503 under back-pressure: tests/unit/test_plugin_http.c (a host whose
# try_emit() says EAGAIN) and test_http_backpressure.sh (a real pipeline
# whose sink spool is full).
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl is not installed: skipped"; exit 77; }

pid=

mkdir "$TMP/rules"
cat >"$TMP/rules/t.lua" <<'L'
rule {
  id = "t.http.seen",
  title = "a test event",
  severity = "high",
  on = { eventSource = "test.example.com", eventName = "Seen" },
  output = "{actor} did it #{requestParameters.n}",
}
L
printf 'tok-%s\n' "$RANDOM$RANDOM" >"$TMP/token"
chmod 600 "$TMP/token"
tok=$(cat "$TMP/token")
cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "log": {"level": "info"},
 "sources": [{"name": "api", "type": "http",
              "config": {"listen": "127.0.0.1:0", "token_file": "$TMP/token",
                         "max_body_bytes": 4096}}],
 "sinks": [{"name": "out", "type": "file", "config": {"path": "$TMP/alerts.jsonl"}}]}
J

ev() { # ev N [NAME]: one CloudTrail-like record
  printf '{"eventVersion":"1.09","eventTime":"2024-05-21T14:00:%02dZ","eventSource":"test.example.com","eventName":"%s","eventID":"e%d","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u%d"},"requestParameters":{"n":%d}}' \
    "$1" "${2:-Seen}" "$1" "$1" "$1"
}

"$VIGIL" run -c "$TMP/conf.json" 2>"$TMP/run.err" &
pid=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$TMP/run.err" && break
  sleep 0.05
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/run.err")
[ -n "$port" ] || { cat "$TMP/run.err" >&2; fail "the http source did not say where it listens"; }
url="http://127.0.0.1:$port/v1/events"
auth="Authorization: Bearer $tok"

# post WANT-STATUS CURL-ARGS...: the answer body is left in $TMP/body
post() {
  local want=$1; shift
  local got
  got=$(curl -sS -o "$TMP/body" -w '%{http_code}' "$@") || fail "curl failed: $*"
  [ "$got" = "$want" ] || { cat "$TMP/body" >&2; fail "got HTTP $got, expected $want for: $*"; }
}

# JSON Lines: three records, one of another name (no alert), a blank line.
{ ev 1; echo; ev 2 Other; echo; echo; ev 3; echo; } >"$TMP/lines.jsonl"
post 202 -H "$auth" --data-binary @"$TMP/lines.jsonl" "$url"
grep_in "$TMP/body" '^\{"accepted":3,"request_id":"[0-9]+"\}$'

# The same with Expect: 100-continue: the server says Continue at once.
{ ev 4; echo; } >"$TMP/one.jsonl"
curl -sS -v -o "$TMP/body" -H "$auth" -H 'Expect: 100-continue' --data-binary @"$TMP/one.jsonl" \
  "$url" 2>"$TMP/curl.err"
grep_in "$TMP/curl.err" '< HTTP/1.1 100 Continue'
grep_in "$TMP/curl.err" '< HTTP/1.1 202 Accepted'

# gzip body, posted to "/" (accepted there too).
{ ev 5; echo; ev 6; echo; } | gzip -c >"$TMP/g.jsonl.gz"
post 202 -H "$auth" -H 'Content-Encoding: gzip' --data-binary @"$TMP/g.jsonl.gz" \
  "http://127.0.0.1:$port/"
grep_in "$TMP/body" '"accepted":2'

# A CloudTrail S3 object, pretty-printed over several lines.
printf '{\n  "Records": [\n    %s,\n    %s\n  ]\n}\n' "$(ev 7)" "$(ev 8)" >"$TMP/doc.json"
post 202 -H "$auth" --data-binary @"$TMP/doc.json" "$url"
grep_in "$TMP/body" '"accepted":1'

# Malformed line 2: 400 naming it, and nothing of that body goes in.
{ ev 9; echo; echo '{"eventName": "Seen",}'; ev 10; echo; } >"$TMP/bad.jsonl"
post 400 -H "$auth" --data-binary @"$TMP/bad.jsonl" "$url"
grep_in "$TMP/body" '"error":"line 2, column 22: expected a string key"'

# Tokens: none, wrong.
post 401 --data-binary @"$TMP/one.jsonl" "$url"
post 401 -H "Authorization: Bearer ${tok}x" --data-binary @"$TMP/one.jsonl" "$url"
grep_in "$TMP/body" 'bearer token is required'

# Over max_body_bytes (4096): declared, and inflated from a small gzip body.
head -c 5000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
post 413 -H "$auth" --data-binary @"$TMP/big.json" "$url"
gzip -c "$TMP/big.json" >"$TMP/big.json.gz"
post 413 -H "$auth" -H 'Content-Encoding: gzip' --data-binary @"$TMP/big.json.gz" "$url"
grep_in "$TMP/body" 'inflates past 4096 bytes'

# Health, and a wrong method.
post 200 "http://127.0.0.1:$port/healthz"
[ "$(cat "$TMP/body")" = ok ] || fail "healthz said: $(cat "$TMP/body")"
post 405 -H "$auth" "$url"

kill -TERM "$pid"
st=0
wait "$pid" || st=$?
pid=
[ "$st" -eq 0 ] || { cat "$TMP/run.err" >&2; fail "vigil run exited $st after SIGTERM"; }
grep_in "$TMP/run.err" 'http source: stopped; 11 requests, 7 JSON texts accepted, 6 refused'

# Alerts: records 1, 3, 4, 5, 6, 7 and 8 are "Seen"; 9 and 10 were refused.
python3 - "$TMP/alerts.jsonl" <<'P' || fail "alerts differ"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
got = sorted(int(a["message"].split("#")[1]) for a in alerts)
assert got == [1, 3, 4, 5, 6, 7, 8], got
for a in alerts:
    o = a["origin"]
    assert o["source"] == "api" and o["stream"].startswith("http:127.0.0.1:"), o
    n = int(a["message"].split("#")[1])
    # JSON Lines keep their line numbers: record 3 was on line 4 of its body.
    if n == 3:
        assert o["line"] == 4, o
    # The document's records are on its lines 3 and 4.
    if n in (7, 8):
        assert o["line"] == n - 4 and o["record"] == n - 7, o
P
echo ok
