#!/usr/bin/env bash
# Stateful memory is bounded (state_memory_mb) and evicting is counted per
# rule in the stats: 30000 keys seen twice each, an hour apart, through a
# threshold of 2 keyed by eventID. With room for them all every key fires
# and nothing is evicted; with 1 MiB most are evicted, counted, and their
# second event starts afresh instead of firing.
. "$(dirname "$0")/lib.sh"

cd "$TMP"
cat >r.lua <<'L'
rule { id = "t.per_event", title = "t", severity = "low", on = { eventName = "X" },
  threshold = { count = 2, window = "2h", key = "eventID" } }
L
python3 - <<'PY'
import json
with open("ev.jsonl", "w") as f:
    for hour in (0, 1):
        for i in range(30000):
            f.write(json.dumps({"eventName": "X", "eventID": f"id-{i}",
                                "eventTime": f"2024-01-01T0{hour}:00:00Z",
                                "userIdentity": {"arn": "a"}}) + "\n")
PY
run() { # run MB: the stats line of t.per_event
  cat >p.json <<J
{"rules": ["r.lua"], "workers": 1, "state_memory_mb": $1, "stats_interval": 0,
 "sources": [{"name": "in", "type": "file", "config": {"paths": ["ev.jsonl"]}}],
 "sinks": [{"name": "out", "type": "file", "config": {"path": "alerts-$1.jsonl"}}]}
J
  expect_status 0 "$VIGIL" run -c p.json
  grep -o 'rule t\.per_event: .*' "$TMP/err"
}
line=$(run 64)
[[ "$line" == *"evaluated 60000, matches 60000, alerts 30000, errors 0, evicted 0,"* ]] ||
  fail "64 MiB: $line"
line=$(run 1)
evicted=$(echo "$line" | sed -E 's/.*evicted ([0-9]+),.*/\1/')
alerts=$(echo "$line" | sed -E 's/.*alerts ([0-9]+),.*/\1/')
[ "$evicted" -gt 30000 ] || fail "1 MiB: only $evicted evictions counted: $line"
[ "$alerts" -lt 30000 ] || fail "1 MiB: $alerts alerts, as if nothing was forgotten: $line"
[ "$(grep -c . alerts-1.jsonl || true)" -eq "$alerts" ] || fail "stats and alerts disagree"
echo ok
