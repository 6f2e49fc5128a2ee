# Hot reload while events flow: SIGHUP and --watch load and test the new
# rules beside the running ones; a broken or failing set is refused and
# the old one keeps working; a good one takes over without losing or
# repeating an event; the state of an unchanged stateful rule survives.
. "$(dirname "$0")/lib.sh"

R="$TMP/rules"
mkdir -p "$R"
# A stateless rule, and a threshold (2 events) whose file never changes.
cat >"$R/a.lua" <<'L'
rule { id = "t.a", title = "a", severity = "low", on = { eventName = "X" },
  tests = { { name = "x", event = { eventName = "X" }, fires = true },
            { name = "y", event = { eventName = "Y" }, fires = false } } }
L
cat >"$R/c.lua" <<'L'
rule { id = "t.count", title = "two", severity = "low", on = { eventName = "C" },
  threshold = { count = 2, window = "1h" } }
L
cat >"$TMP/conf.json" <<J
{"rules": ["$R"], "workers": 2, "log": {"level": "info"}, "stats_interval": 0,
 "sources": [{"name": "in", "type": "stdin"}],
 "sinks": [{"name": "out", "type": "file", "config": {"path": "$TMP/alerts.jsonl"}}]}
J
mkfifo "$TMP/fifo"
"$VIGIL" run -c "$TMP/conf.json" --watch <"$TMP/fifo" >"$TMP/run.out" 2>"$TMP/run.err" &
pid=$!
exec 3>"$TMP/fifo"

n=0
send() { # send NAME: one record with a unique eventID
  n=$((n + 1))
  printf '{"eventName":"%s","eventID":"e%d","eventTime":"2024-01-01T00:%02d:00Z",' "$1" "$n" "$n" >&3
  printf '"userIdentity":{"arn":"arn:aws:iam::1:user/a"}}\n' >&3
}
count() { grep -c "\"rule_id\":\"$1\"" "$TMP/alerts.jsonl" 2>/dev/null || true; }
wait_for() { # wait_for CMD...: up to 10 s
  local i
  for i in $(seq 100); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  echo "--- run.err" >&2; cat "$TMP/run.err" >&2
  fail "timed out waiting for: $*"
}
alerts_are() { [ "$(count "$1")" -eq "$2" ]; }
logged() { grep -Eq -- "$1" "$TMP/run.err"; }
reloads() { grep -c '\[rules\] reloaded' "$TMP/run.err" || true; }

send X
send C
wait_for alerts_are t.a 1

# 1. A good new set by SIGHUP: a second rule on X joins.
cat >"$R/b.lua" <<'L'
rule { id = "t.b", title = "b", severity = "high", on = { eventName = "X" } }
L
kill -HUP $pid
wait_for logged 'reloaded: 3 rules'
send X
wait_for alerts_are t.b 1
wait_for alerts_are t.a 2
# The threshold's first C came before the reload: the second completes it.
send C
wait_for alerts_are t.count 1

# 2. A syntax error is refused with file:line; the running set stays.
echo 'rule { id = "t.bad", ' >"$R/broken.lua"
kill -HUP $pid
wait_for logged 'reload refused, the running rules stay: .*broken\.lua:[0-9]+'
send X
wait_for alerts_are t.a 3
wait_for alerts_are t.b 2
rm "$R/broken.lua"

# 3. A failing test is refused too, and the failure is logged.
cat >"$R/d.lua" <<'L'
rule { id = "t.d", title = "d", severity = "low", on = { eventName = "X" },
  tests = { { name = "wrong", event = { eventName = "Y" }, fires = true } } }
L
kill -HUP $pid
wait_for logged 'FAIL t\.d test 1 \(wrong\)'
rm "$R/d.lua"

# 4. --watch: editing a file reloads without a signal.
before=$(reloads)
sed -i 's/severity = "high"/severity = "critical"/' "$R/b.lua"
wait_for bash -c "[ \$(grep -c '\[rules\] reloaded' '$TMP/run.err') -gt $before ]"
send X
wait_for alerts_are t.a 4
wait_for alerts_are t.b 3
grep -q '"rule_id":"t.b","title":"b","severity":"critical"' "$TMP/alerts.jsonl" ||
  fail "the edited rule did not take over"

# 5. A burst across a reload: every event is seen once by each rule.
for i in $(seq 200); do send X; done &
burst=$!
kill -HUP $pid
wait $burst
exec 3>&-
wait $pid || fail "vigil run exited with $?"
[ "$(count t.a)" -eq 204 ] || fail "t.a: $(count t.a) alerts, expected 204"
[ "$(count t.b)" -eq 203 ] || fail "t.b: $(count t.b) alerts, expected 203"
ids=$(grep '"rule_id":"t.a"' "$TMP/alerts.jsonl" | grep -o '"event_id":"[^"]*"' | sort | uniq -d)
[ -z "$ids" ] || fail "events seen twice by t.a: $ids"
grep_in "$TMP/run.err" '\[stats\] rule t\.a: evaluated 204, matches 204, alerts 204'
echo ok
