#!/usr/bin/env bash
# The http source's 202 is a delivery promise (issue 6, ack = "delivered"):
#  1. A webhook receiver that is down and no spool: the alerts are given up,
#     so the POST gets 503 (not 202) saying they were not delivered.
#  2. An ack that does not come within ack_timeout_ms: 503 saying so.
#  3. The receiver down but a spool: the alerts wait on disk, so 202 comes.
#     vigil is SIGKILLed right after that 202 and started again with the
#     receiver back: every alert of the answered body arrives, from the spool.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.sh"

rpid=
vpid=

# stop_failed PID: SIGTERM; vigil must exit 2 (alerts it could not deliver).
stop_failed() {
  local st=0
  kill -TERM "$1"
  wait "$1" || st=$?
  [ "$st" -eq 2 ] || { tail -20 "$TMP/run.err" >&2; fail "vigil run exited $st, expected 2"; }
}

# run_vigil EXTRA HTTP-EXTRA: starts vigil with the http source and the
# webhook sink (to $port); sets $vpid and $hport.
run_vigil() {
  cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "log": {"level": "info"}, $1
 "sources": [{"name": "api", "type": "http",
              "config": {"listen": "127.0.0.1:0" $2}}],
 "sinks": [{"name": "hook", "type": "webhook",
            "config": {"url": "http://127.0.0.1:$port/", "max_retries": 0,
                       "retry_base_ms": 20, "batch_max": 50, "batch_wait_ms": 20}}]}
J
  : >"$TMP/run.err"
  "$VIGIL" run -c "$TMP/conf.json" 2>>"$TMP/run.err" &
  vpid=$!
  wait_until 10 grep -q 'listening on' "$TMP/run.err" ||
    { cat "$TMP/run.err" >&2; fail "vigil run did not start"; }
  hport=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/run.err")
}

# post FILE: POSTs FILE; prints the status, leaves the body in $TMP/body.
post() {
  curl -sS -m 60 -o "$TMP/body" -w '%{http_code}' --data-binary @"$1" \
    "http://127.0.0.1:$hport/v1/events"
}

gen_events "$TMP/b1.jsonl" 1 5
gen_events "$TMP/b2.jsonl" 1 40
touch "$TMP/down"
start_receiver hook --fail-while "$TMP/down" --fail-status 503

# 1. No spool (neither state_dir nor spool_dir): the host gives up.
run_vigil "" ""
st=$(post "$TMP/b1.jsonl")
[ "$st" = 503 ] || { cat "$TMP/body" "$TMP/run.err" >&2; fail "undeliverable body answered $st"; }
grep -q 'could not be delivered or spooled' "$TMP/body" || { cat "$TMP/body" >&2; fail "503 body"; }
[ "$(count "$TMP/hook.jsonl")" = 0 ] || fail "the receiver accepted alerts while down"
stop_failed "$vpid"
vpid=

# 2. Acks later than ack_timeout_ms: the receiver is down, so the host's own
#    retries (about 3 s) outlast a 300 ms wait.
run_vigil "" ', "ack_timeout_ms": 300'
st=$(post "$TMP/b1.jsonl")
[ "$st" = 503 ] || { cat "$TMP/body" >&2; fail "a late ack answered $st"; }
grep -q 'not confirmed within 300 ms' "$TMP/body" || { cat "$TMP/body" >&2; fail "503 body"; }
stop_failed "$vpid"
vpid=

# 3. With a spool: 202 once the alerts are on disk; a crash then loses none.
run_vigil "\"state_dir\": \"$TMP/state\"," ""
st=$(post "$TMP/b2.jsonl")
[ "$st" = 202 ] || { cat "$TMP/body" "$TMP/run.err" >&2; fail "spooled body answered $st"; }
grep -q '"accepted":40' "$TMP/body" || { cat "$TMP/body" >&2; fail "202 body"; }
kill -KILL "$vpid"
wait "$vpid" 2>/dev/null || true
vpid=
[ "$(count "$TMP/hook.jsonl")" = 0 ] || fail "the receiver accepted alerts while down"
rm "$TMP/down"
run_vigil "\"state_dir\": \"$TMP/state\"," ""
wait_until 30 have_all 40 "$TMP/hook.jsonl" ||
  { tail -20 "$TMP/run.err" >&2; fail "alerts of the 202 body lost: $(count "$TMP/hook.jsonl")"; }
stop_vigil "$vpid"
vpid=
report 40 "$TMP/hook.jsonl"
echo "http durable: 503 without a spool, 202 with one, 40 of 40 alerts after SIGKILL"
