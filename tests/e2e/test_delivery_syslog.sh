#!/usr/bin/env bash
# Delivery promise with the syslog sink (issue 6, items 4 and 5): the TCP
# receiver is down while a followed folder receives logs, so the sink hands
# its alerts back and they wait in its spool (the checkpoint moves past
# them); the receiver comes back on the same port and every alert arrives,
# spooled ones first. A few seconds stand in for a real outage.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.sh"

spid=
vpid=

# syslog_up [PORT]: a TCP receiver appending to $TMP/syslog.jsonl; sets $sport.
syslog_up() {
  rm -f "$TMP/sport"
  python3 "$here/syslog_receiver.py" --transport tcp --port-file "$TMP/sport" \
    --log "$TMP/syslog.jsonl" --port "${1:-0}" &
  spid=$!
  wait_until 10 test -s "$TMP/sport" || fail "the syslog receiver did not start"
  sport=$(cat "$TMP/sport")
}

# A port that was free a moment ago; nothing listens on it during the outage.
syslog_up
kill "$spid"
wait "$spid" 2>/dev/null || true
spid=
port=$sport

mkdir "$TMP/logs"
cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "state_dir": "$TMP/state", "stats_interval": 0,
 "sources": [{"name": "logs", "type": "file",
              "config": {"paths": ["$TMP/logs"], "follow": true, "settle_ms": 50,
                         "poll_ms": 100, "checkpoint_ms": 50}}],
 "sinks": [{"name": "syslog", "type": "syslog",
            "config": {"address": "127.0.0.1:$port", "transport": "tcp", "message": "json",
                       "max_message_bytes": 8192, "reconnect_min_ms": 50,
                       "reconnect_max_ms": 200}}]}
J
"$VIGIL" run -c "$TMP/conf.json" -l info 2>"$TMP/run.err" &
vpid=$!
gen_events "$TMP/logs/1.jsonl" 1 300
gen_events "$TMP/logs/2.jsonl" 301 300
logged() { grep -Eq -- "$1" "$TMP/run.err"; }
wait_until 30 logged 'syslog.*delivery failing: alerts are kept in the spool' ||
  { cat "$TMP/run.err" >&2; fail "the outage did not send alerts to the spool"; }
covers() { [ "$(covered "$TMP/state/logs/checkpoint.json" | grep -c .)" -ge "$1" ]; }
wait_until 30 covers 600 || fail "the checkpoint did not move past the spooled alerts"
sleep 1
[ ! -s "$TMP/syslog.jsonl" ] || fail "alerts arrived during the outage?"

syslog_up "$port"
gen_events "$TMP/logs/3.jsonl" 601 300
wait_until 60 have_all 900 "$TMP/syslog.jsonl" ||
  { tail -20 "$TMP/run.err" >&2; fail "alerts missing after the receiver came back"; }
wait_until 10 logged 'syslog.*delivering again; the spool is empty' || fail "no recovery line"
stop_vigil "$vpid"
vpid=
report 900 "$TMP/syslog.jsonl"
[ "$dups" -eq 0 ] || fail "$dups duplicates without a crash"
# The spooled alerts went out before those raised after the recovery.
ids "$TMP/syslog.jsonl" >"$TMP/order"
first=$(head -600 "$TMP/order" | sed 's/^e//' | sort -n | sed -n '$p')
[ "$first" -eq 600 ] || fail "alerts of the outage were not delivered first (saw e$first)"
echo ok
