#!/usr/bin/env bash
# The webhook sink under `vigil run` against a local receiver
# (webhook_receiver.py): retries on 500 until every alert arrives, honours
# Retry-After on 429, gives up at once on 400, hands alerts back when the
# receiver cannot be reached, abandons a POST after timeout_ms (the alerts
# then wait in the spool for the next run), batches as JSON arrays, speaks
# Slack's {"text": ...}, and never logs a secret (header value, bearer token, the
# URL's user information, path or query).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

rpid=

mkdir "$TMP/rules"
cat >"$TMP/rules/t.lua" <<'L'
rule {
  id = "t.hook.seen",
  title = "a <test> & event",
  severity = "high",
  on = { eventSource = "test.example.com", eventName = "Seen" },
  output = "{actor} did it #{requestParameters.n}",
}
L
for n in $(seq 1 10); do
  printf '{"eventVersion":"1.09","eventTime":"2024-05-21T14:00:%02dZ","eventSource":"test.example.com","eventName":"Seen","eventID":"e%d","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u%d"},"requestParameters":{"n":%d}}\n' \
    "$n" "$n" "$n" "$n"
done >"$TMP/events.jsonl"

export VIGIL_TEST_HOOK_TOKEN="bearer-$RANDOM$RANDOM"
api_key="apikey-$RANDOM$RANDOM"

# receiver NAME ARGS...: starts a receiver logging to $TMP/NAME.jsonl; sets $port.
receiver() {
  local name=$1; shift
  [ -n "$rpid" ] && kill "$rpid" 2>/dev/null
  rm -f "$TMP/port"
  python3 "$here/webhook_receiver.py" --port-file "$TMP/port" --log "$TMP/$name.jsonl" "$@" &
  rpid=$!
  for _ in $(seq 100); do
    [ -s "$TMP/port" ] && break
    sleep 0.05
  done
  port=$(cat "$TMP/port")
  touch "$TMP/$name.jsonl"
}

# run WANT-STATUS SINK-CONFIG: vigil run over the events with that sink.
run() {
  cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "log": {"level": "debug"},
 "sources": [{"name": "in", "type": "file", "config": {"paths": ["$TMP/events.jsonl"]}}],
 "sinks": [{"name": "hook", "type": "webhook", "config": $2}]}
J
  expect_status "$1" "$VIGIL" run -c "$TMP/conf.json"
}

# The secrets of every configuration below; none may reach stderr.
no_secrets() {
  local s
  for s in "$VIGIL_TEST_HOOK_TOKEN" "$api_key" pw-hunter2 sekret-query sekret-path; do
    if grep -q -- "$s" "$TMP/err"; then
      grep -- "$s" "$TMP/err" >&2
      fail "a secret ($s) is in vigil's log"
    fi
  done
}

# 1. Three 500s, then the receiver recovers: every alert arrives once
#    answered 200, after retries with backoff.
receiver r500 --fail-count 3 --fail-status 500
url="http://user:pw-hunter2@127.0.0.1:$port/hooks/sekret-path?key=sekret-query"
run 0 "{\"url\": \"$url\", \"bearer_token_env\": \"VIGIL_TEST_HOOK_TOKEN\",
        \"headers\": {\"X-Api-Key\": \"$api_key\", \"X-Team\": \"soc\"}, \"retry_base_ms\": 50}"
no_secrets
grep_in "$TMP/err" 'POST http://\*\*\*@127\.0\.0\.1:[0-9]+/\*\*\*\?\*\*\*: HTTP status 500; attempt 1 of 5'
[ "$(grep -c 'HTTP status 500; attempt' "$TMP/err")" -eq 3 ] || fail "expected 3 retry lines"
grep_in "$TMP/err" 'webhook sink: stopped; 13 POSTs, 3 retries, 10 alerts delivered, 0 failed'
python3 - "$TMP/r500.jsonl" "$VIGIL_TEST_HOOK_TOKEN" "$api_key" <<'P' || fail "r500 receiver log"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
assert len(reqs) == 13, len(reqs)
ok = [r for r in reqs if r["status"] == 200]
got = sorted(json.loads(r["body"])["event_id"] for r in ok)
assert got == sorted("e%d" % n for n in range(1, 11)), got
for r in reqs:
    h = r["headers"]
    assert h["Authorization"] == "Bearer " + sys.argv[2], h
    assert h["X-Api-Key"] == sys.argv[3] and h["X-Team"] == "soc", h
    assert h["Content-Type"] == "application/json", h
    assert "Expect" not in h, h
    assert r["path"] == "/hooks/sekret-path?key=sekret-query", r["path"]
    assert isinstance(json.loads(r["body"]), dict)  # batch_max 1: one object
P

# 2. 429 with Retry-After: 1: the next attempt waits a second, not the
#    50 ms backoff.
receiver r429 --fail-count 1 --fail-status 429 --retry-after 1
run 0 "{\"url\": \"http://127.0.0.1:$port/\", \"retry_base_ms\": 50, \"parallel\": 1}"
grep_in "$TMP/err" 'HTTP status 429; attempt 1 of 5, next in 1\.0 s'
python3 - "$TMP/r429.jsonl" <<'P' || fail "Retry-After was not honoured"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
assert len(reqs) == 11 and reqs[0]["status"] == 429, reqs
assert reqs[1]["t"] - reqs[0]["t"] >= 0.95, reqs[1]["t"] - reqs[0]["t"]
P

# 3. 400: a permanent refusal; no retry, each alert reported failed.
receiver r400 --always 400
run 2 "{\"url\": \"http://127.0.0.1:$port/x\", \"log_path\": true, \"retry_base_ms\": 50}"
grep_in "$TMP/err" 'POST http://127\.0\.0\.1:[0-9]+/x: HTTP status 400 \(not retried\); 1 alerts not delivered'
[ "$(wc -l <"$TMP/r400.jsonl")" -eq 10 ] || fail "a 400 was retried"
grep_in "$TMP/err" '10 alerts delivered|0 alerts delivered, 10 failed'

# 4. Slack payloads, batched: {"text": ...} only, markup characters escaped.
receiver slack
run 0 "{\"url\": \"http://127.0.0.1:$port/\", \"format\": \"slack\", \"batch_max\": 4,
        \"batch_wait_ms\": 100}"
python3 - "$TMP/slack.jsonl" <<'P' || fail "Slack payloads"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
seen = []
for r in reqs:
    body = json.loads(r["body"])
    assert list(body) == ["text"], body
    for block in body["text"].split("\n\n"):
        first, msg, meta = block.split("\n")
        assert first == "*[HIGH] a &lt;test&gt; &amp; event*", first
        assert meta.startswith("rule: t.hook.seen | actor: arn:aws:iam::111122223333:user/u"), meta
        assert " | at: 2024-05-21T14:00:" in meta, meta
        seen.append(int(msg.split("#")[1]))
assert sorted(seen) == list(range(1, 11)), seen
assert all(len(json.loads(r["body"])["text"].split("\n\n")) <= 4 for r in reqs)
P

# 5. JSON batches: arrays of up to batch_max alerts.
receiver batch
run 0 "{\"url\": \"http://127.0.0.1:$port/\", \"batch_max\": 4, \"batch_wait_ms\": 100}"
python3 - "$TMP/batch.jsonl" <<'P' || fail "JSON batches"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
ids = []
for r in reqs:
    body = json.loads(r["body"])
    assert isinstance(body, list) and 1 <= len(body) <= 4, body
    ids += [a["event_id"] for a in body]
assert sorted(ids) == sorted("e%d" % n for n in range(1, 11)), ids
P

# 6. Nothing listens: network errors are retried, then the alerts go back
#    to vigil (RETRY), which gives up on them in the end.
kill "$rpid"
wait "$rpid" 2>/dev/null || true
rpid=
run 2 "{\"url\": \"http://127.0.0.1:$port/q?token=sekret-query\", \"max_retries\": 1,
        \"retry_base_ms\": 20, \"parallel\": 4}"
no_secrets
grep_in "$TMP/err" 'after 2 attempts 1 alerts go back to vigil to be retried later'
grep_in "$TMP/err" 'could not be delivered'

# 7. A receiver slower than timeout_ms: each POST is abandoned and retried,
#    then the alerts wait in the spool (state_dir set) and the next run,
#    against a prompt receiver, delivers them before its own.
receiver slow --delay 1
cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "state_dir": "$TMP/state",
 "sources": [{"name": "in", "type": "file", "config": {"paths": ["$TMP/events.jsonl"]}}],
 "sinks": [{"name": "hook", "type": "webhook",
            "config": {"url": "http://127.0.0.1:$port/", "timeout_ms": 200, "max_retries": 1,
                       "retry_base_ms": 20, "parallel": 10}}]}
J
expect_status 0 "$VIGIL" run -c "$TMP/conf.json"
grep_in "$TMP/err" 'POST http://127\.0\.0\.1:[0-9]+/\*\*\*: .*timed out after [0-9]+ milliseconds'
grep_in "$TMP/err" 'hook.*delivery failing: alerts are kept in the spool'
grep_in "$TMP/err" 'hook.*spool: 10 alerts spooled, 0 replayed, 10 waiting on disk'
receiver prompt
sed -i "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" "$TMP/conf.json"
expect_status 0 "$VIGIL" run -c "$TMP/conf.json"
grep_in "$TMP/err" 'hook.*10 alerts spooled by an earlier run; delivering them first'
python3 - "$TMP/prompt.jsonl" <<'P' || fail "spooled alerts after the timeouts"
import json, sys
got = sorted(json.loads(json.loads(l)["body"])["event_id"] for l in open(sys.argv[1]))
# The spooled ten, then this run's ten (the plain file source has no checkpoint).
assert got == sorted(["e%d" % n for n in range(1, 11)] * 2), got
P

# 8. Spooled alerts the receiver then rejects for good (400) are logged and
#    consumed, not replayed forever: the run after sends only its own.
receiver down --always 503
sed -i "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" "$TMP/conf.json"
expect_status 0 "$VIGIL" run -c "$TMP/conf.json"
grep_in "$TMP/err" 'hook.*spool: 10 alerts spooled, 0 replayed, 10 waiting on disk'
receiver reject --always 400
sed -i "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" "$TMP/conf.json"
expect_status 2 "$VIGIL" run -c "$TMP/conf.json"
grep_in "$TMP/err" 'hook.*spooled alert t\.hook\.seen for .* rejected: .*HTTP status 400'
grep_in "$TMP/err" 'hook.*spool: [0-9]+ alerts spooled, [0-9]+ replayed, 0 waiting on disk'
receiver after
sed -i "s/127.0.0.1:[0-9]*/127.0.0.1:$port/" "$TMP/conf.json"
expect_status 0 "$VIGIL" run -c "$TMP/conf.json"
[ "$(wc -l <"$TMP/after.jsonl")" -eq 10 ] || fail "rejected alerts were replayed again"
echo ok
