#!/usr/bin/env bash
# Delivery promise (a), issue 6: `vigil run` follows a folder of logs with a
# checkpoint and sends every alert to a webhook, a file and syslog over TCP;
# it is killed with SIGKILL in the middle and started again. Checked:
#  - at the crash, every event the saved checkpoint covers has its alert
#    accepted by every sink (received with a 200, written to the file,
#    written to the syslog socket, or in that sink's spool): the checkpoint
#    never runs ahead of delivery;
#  - after the restart every alert arrives at least once at every sink;
#  - duplicates are reported, and stay within the bound docs/delivery.md
#    gives: the events after the checkpoint plus the records the spool held.
# The receiver answers slowly (20 ms a POST) so the kill lands mid-way.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.sh"

rpid=
vpid=
spid=

files=8
per=500
total=$((files * per))
mkdir "$TMP/logs"
for i in $(seq 1 "$files"); do
  gen_events "$TMP/logs/part-$i.jsonl" $(((i - 1) * per + 1)) "$per"
done
start_receiver hook --delay 0.02
python3 "$here/syslog_receiver.py" --transport tcp --port-file "$TMP/sport" \
  --log "$TMP/syslog.jsonl" --port 0 &
spid=$!
wait_until 10 test -s "$TMP/sport" || fail "the syslog receiver did not start"
sport=$(cat "$TMP/sport")

cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "state_dir": "$TMP/state", "stats_interval": 0,
 "sources": [{"name": "logs", "type": "file",
              "config": {"paths": ["$TMP/logs"], "follow": true, "settle_ms": 50,
                         "poll_ms": 200, "checkpoint_ms": 50}}],
 "sinks": [{"name": "hook", "type": "webhook",
            "config": {"url": "http://127.0.0.1:$port/", "batch_max": 25,
                       "batch_wait_ms": 20, "parallel": 2, "retry_base_ms": 50}},
           {"name": "file", "type": "file", "config": {"path": "$TMP/alerts.jsonl"}},
           {"name": "syslog", "type": "syslog",
            "config": {"address": "127.0.0.1:$sport", "transport": "tcp", "message": "json",
                       "max_message_bytes": 8192}}]}
J

# 1. Run until a quarter of the alerts reached the webhook, then SIGKILL.
"$VIGIL" run -c "$TMP/conf.json" -l info 2>"$TMP/run.err" &
vpid=$!
wait_until 60 at_least $((total / 4)) "$TMP/hook.jsonl" ||
  { tail -20 "$TMP/run.err" >&2; fail "no progress before the crash"; }
kill -KILL "$vpid"
wait "$vpid" 2>/dev/null || true
vpid=
before=$(count "$TMP/hook.jsonl")
[ "$before" -lt "$total" ] || fail "every alert was out before the kill: no crash mid-way"

# 2. The checkpoint on disk covers only events whose alerts both sinks took.
covered "$TMP/state/logs/checkpoint.json" | sort -u >"$TMP/covered"
ncov=$(grep -c . "$TMP/covered" || true)
[ "$ncov" -gt 0 ] || fail "the checkpoint had not moved at the crash (it should follow acks)"
[ "$ncov" -lt "$total" ] || fail "the checkpoint covered everything at the crash"
spooled() { # spooled SINK: event ids held in that sink's spool segments
  cat "$TMP/state/spool/$1"/*.seg 2>/dev/null | grep -ao '"event_id":"e[0-9]*"' |
    sed 's/.*:"//; s/"//' || true
}
received() { # received SINK: what that sink's far end holds
  case $1 in
    hook) echo "$TMP/hook.jsonl" ;;
    file) echo "$TMP/alerts.jsonl" ;;
    syslog) echo "$TMP/syslog.jsonl" ;;
  esac
}
for sink in hook file syslog; do
  ids "$(received "$sink")" >"$TMP/took"
  spooled "$sink" >>"$TMP/took"
  missing=$(sort -u "$TMP/took" | comm -23 "$TMP/covered" - | head -3)
  [ -z "$missing" ] || fail "checkpoint ran ahead of sink $sink: covers $missing without its alert"
done
declare -A held
for sink in hook file syslog; do
  held[$sink]=$(spooled "$sink" | sort -u | grep -c . || true)
done
echo "crash: $before of $total alerts at the webhook, checkpoint covered $ncov events," \
  "spooled: webhook ${held[hook]}, file ${held[file]}, syslog ${held[syslog]}"

# 3. Restart: every alert arrives at least once at both sinks.
"$VIGIL" run -c "$TMP/conf.json" -l info 2>"$TMP/run.err" &
vpid=$!
wait_until 120 have_all "$total" "$TMP/hook.jsonl" ||
  { tail -20 "$TMP/run.err" >&2; fail "alerts missing at the webhook after the restart"; }
wait_until 30 have_all "$total" "$TMP/alerts.jsonl" || fail "alerts missing in the file sink"
wait_until 30 have_all "$total" "$TMP/syslog.jsonl" || fail "alerts missing at syslog"
stop_vigil "$vpid"
vpid=
grep_in "$TMP/run.err" "checkpoint .*checkpoint\.json: [0-9]+ files"

# 4. Duplicates: reported, and within the bound (re-read events + spooled).
declare -A dup
for sink in hook file syslog; do
  report "$total" "$(received "$sink")"
  dup[$sink]=$dups
  bound=$((total - ncov + held[$sink]))
  [ "$dups" -le "$bound" ] || fail "$sink: $dups duplicates exceed the bound $bound"
done
echo "ok: duplicates webhook ${dup[hook]}, file ${dup[file]}, syslog ${dup[syslog]} (bound:" \
  "$((total - ncov)) events after the checkpoint + what the sink's spool held)"
