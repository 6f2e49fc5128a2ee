#!/usr/bin/env bash
# SIGINT and SIGTERM stop a running pipeline cleanly: what was read before
# the signal is evaluated and its alerts delivered; the exit is clean.
. "$(dirname "$0")/lib.sh"

rec='{"eventTime":"2024-01-01T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/m"},"requestParameters":{"name":"t"},"eventID":"@N@"}'

for sig in INT TERM; do
  mkfifo "$TMP/fifo"
  cat >"$TMP/run.json" <<J
{"workers": 2,
 "sources": [{"name": "pipe", "type": "stdin"}],
 "sinks": [{"name": "out", "type": "file", "config": {"path": "$TMP/alerts-$sig.jsonl"}}]}
J
  "$VIGIL" run -c "$TMP/run.json" -l warn <"$TMP/fifo" 2>"$TMP/err" &
  pid=$!
  exec 3>"$TMP/fifo"
  for i in 1 2 3 4 5; do echo "${rec/@N@/$sig-$i}" >&3; done
  # Wait until all five alerts are out, then signal with the pipe still open.
  for _ in $(seq 100); do
    [ -f "$TMP/alerts-$sig.jsonl" ] && [ "$(wc -l <"$TMP/alerts-$sig.jsonl")" -ge 5 ] && break
    sleep 0.1
  done
  kill -"$sig" "$pid"
  status=0
  wait "$pid" || status=$?
  exec 3>&-
  rm -f "$TMP/fifo"
  [ "$status" -eq 0 ] || { cat "$TMP/err" >&2; fail "SIG$sig: exit $status"; }
  grep_in "$TMP/err" "SIG$sig: stopping"
  [ "$(grep -c "\"event_id\":\"$sig-" "$TMP/alerts-$sig.jsonl")" -eq 5 ] ||
    fail "SIG$sig: expected 5 alerts"
done

# Signal in the middle of a burst: every record read before the stop is
# evaluated and its alert delivered (each record makes exactly one alert).
mkfifo "$TMP/fifo"
cat >"$TMP/run.json" <<J
{"workers": 2, "sources": [{"name": "pipe", "type": "stdin"}],
 "sinks": [{"name": "out", "type": "file", "config": {"path": "$TMP/burst.jsonl"}}]}
J
"$VIGIL" run -c "$TMP/run.json" -l info <"$TMP/fifo" 2>"$TMP/err" &
pid=$!
( for i in $(seq 20000); do echo "${rec/@N@/b-$i}"; done ) >"$TMP/fifo" 2>/dev/null &
writer=$!
for _ in $(seq 100); do
  [ -f "$TMP/burst.jsonl" ] && [ "$(wc -l <"$TMP/burst.jsonl")" -ge 100 ] && break
  sleep 0.05
done
kill -INT "$pid"
status=0
wait "$pid" || status=$?
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
[ "$status" -eq 0 ] || { cat "$TMP/err" >&2; fail "burst: exit $status"; }
line=$(grep -E 'stopped: [0-9]+ records, [0-9]+ alerts' "$TMP/err") || fail "no stop line"
read -r recs alerts < <(echo "$line" | sed -E 's/.*stopped: ([0-9]+) records, ([0-9]+) alerts.*/\1 \2/')
[ "$recs" -gt 0 ] && [ "$recs" -eq "$alerts" ] || fail "read $recs records but made $alerts alerts"
[ "$(wc -l <"$TMP/burst.jsonl")" -eq "$alerts" ] || fail "sink holds other than $alerts alerts"
echo "ok ($recs records read before the signal, all evaluated)"
