#!/usr/bin/env bash
# Delivery promise (c), issue 6: rules reloaded with SIGHUP while a followed
# folder keeps receiving logs lose nothing. Each event raises exactly one
# alert whichever rule generation evaluates it (each reload changes the
# rule's title to v<k>), so the webhook and the file sink must hold every
# event's alert; alerts of several generations show the reloads landed in
# the middle of the ingestion. Without a crash there is no reason for a
# duplicate: they are reported and must be 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.sh"

rpid=
vpid=

# version K: the test rule titled vK, plus a second file that changes too.
version() {
  cat >"$TMP/rules/t.lua" <<L
rule {
  id = "t.delivery.seen",
  title = "v$1",
  severity = "high",
  on = { eventSource = "test.example.com", eventName = "Seen" },
  output = "{actor} did #{requestParameters.n}",
}
L
  cat >"$TMP/rules/other.lua" <<L
rule { id = "t.other.$1", title = "other", severity = "low", on = { eventName = "Never$1" } }
L
}
version 1
reloaded() { [ "$(grep -c '\[rules\] reloaded' "$TMP/run.err")" -ge "$1" ]; }

start_receiver hook
mkdir "$TMP/logs"
cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "state_dir": "$TMP/state", "stats_interval": 0,
 "sources": [{"name": "logs", "type": "file",
              "config": {"paths": ["$TMP/logs"], "follow": true, "settle_ms": 50,
                         "poll_ms": 100, "checkpoint_ms": 50}}],
 "sinks": [{"name": "hook", "type": "webhook",
            "config": {"url": "http://127.0.0.1:$port/", "batch_max": 50,
                       "batch_wait_ms": 20}},
           {"name": "file", "type": "file", "config": {"path": "$TMP/alerts.jsonl"}}]}
J
"$VIGIL" run -c "$TMP/conf.json" -l info 2>"$TMP/run.err" &
vpid=$!
wait_until 10 grep -q 'posting alerts' "$TMP/run.err" || fail "vigil did not start"

files=12
per=400
total=$((files * per))
reloads=0
for i in $(seq 0 $((files - 1))); do
  gen_events "$TMP/logs/$i.jsonl" $((i * per + 1)) "$per"
  if [ $((i % 3)) -eq 1 ]; then
    reloads=$((reloads + 1))
    version $((reloads + 1))
    kill -HUP "$vpid"
    # The next reload only once this one is in: a SIGHUP during a reload
    # is folded into one more reload, which would make the count vary.
    wait_until 20 reloaded "$reloads" ||
      fail "reload $reloads was not logged"
  fi
  sleep 0.1
done
wait_until 60 have_all "$total" "$TMP/alerts.jsonl" ||
  { tail -20 "$TMP/run.err" >&2; fail "alerts missing in the file sink after reloads"; }
wait_until 30 have_all "$total" "$TMP/hook.jsonl" || fail "alerts missing at the webhook"
stop_vigil "$vpid"
vpid=
grep -q 'reload refused' "$TMP/run.err" && fail "a reload was refused"

report "$total" "$TMP/hook.jsonl"
[ "$dups" -eq 0 ] || fail "$dups duplicate alerts at the webhook"
report "$total" "$TMP/alerts.jsonl"
[ "$dups" -eq 0 ] || fail "$dups duplicate alerts in the file sink"
# Several generations evaluated events: the reloads came mid-ingestion.
gens=$(grep -o '"title":"v[0-9]*"' "$TMP/alerts.jsonl" | sort -u | grep -c .)
[ "$gens" -ge 3 ] || fail "alerts of only $gens rule generations: reloads did not overlap"
echo "ok: $reloads reloads during ingestion, alerts of $gens generations, 0 duplicates"
