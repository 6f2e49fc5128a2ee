#!/usr/bin/env bash
# What a source's acknowledgement says about its events' alerts (item 5 of
# issue 6, seen from the source): a test source emits 20 records with
# emit_acked(), half of which raise an alert, to a sink that never takes one.
#  1. No spool: the host retries, then gives the alerts up. Their records
#     are acknowledged VIGIL_EIO (a checkpoint must not move past them); the
#     records without an alert are acknowledged OK.
#  2. With a spool: the alerts wait on disk, which counts as accepted, so
#     every record is acknowledged OK.
#  3. The same with a sink whose deliver() refuses the alerts outright.
. "$(dirname "$0")/lib.sh"
: "${VIGIL_TEST_PLUGIN_DIR:?set by ctest}"
dir="$VIGIL_TEST_PLUGIN_DIR/delivery"
[ -f "$dir/source_testacked.so" ] || fail "test plugins not built in $dir"

mkdir "$TMP/rules"
cat >"$TMP/rules/t.lua" <<'L'
rule { id = "t.acked", title = "acked", severity = "low",
  on = { eventSource = "test.example.com", eventName = "Acked" } }
L
conf() { # conf EXTRA-TOP-LEVEL-KEYS [SINK-TYPE]
  cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 2, "plugin_dirs": ["$dir"], "stats_interval": 0, $1
 "sources": [{"name": "src", "type": "testacked", "config": {"count": 20}}],
 "sinks": [{"name": "down", "type": "${2:-testretry}"}]}
J
}

# 1. Given up without a spool: not acknowledged as done.
conf ""
expect_status 2 "$VIGIL" run -c "$TMP/conf.json" -l info
grep_in "$TMP/err" 'src.*acks: ok=10 eio=10 closed=0 other=0'
[ "$(grep -c 'alert t.acked for .* could not be delivered' "$TMP/err")" -eq 10 ] ||
  fail "expected 10 undelivered alerts"

# 2. Spooled: accepted, every record acknowledged.
conf "\"state_dir\": \"$TMP/state\","
expect_status 0 "$VIGIL" run -c "$TMP/conf.json" -l info
grep_in "$TMP/err" 'src.*acks: ok=20 eio=0 closed=0 other=0'
grep_in "$TMP/err" 'down.*spool: 10 alerts spooled, 0 replayed, 10 waiting on disk'

# 3. A sink whose deliver() refuses: the same two answers.
conf "" testrefuse
expect_status 2 "$VIGIL" run -c "$TMP/conf.json" -l info
grep_in "$TMP/err" 'src.*acks: ok=10 eio=10 closed=0 other=0'
grep_in "$TMP/err" 'down.*refused alert t\.acked: test sink: cannot take alerts now'
rm -rf "$TMP/state"
conf "\"state_dir\": \"$TMP/state\"," testrefuse
expect_status 0 "$VIGIL" run -c "$TMP/conf.json" -l info
grep_in "$TMP/err" 'src.*acks: ok=20 eio=0 closed=0 other=0'
grep_in "$TMP/err" 'down.*refused alert t\.acked \(test sink: cannot take alerts now\); kept in'
grep_in "$TMP/err" 'down.*spool: 10 alerts spooled, 0 replayed, 10 waiting on disk'
echo ok
