#!/usr/bin/env bash
# `vigil run -c`: a pipeline from a JSON file; bad configurations are
# refused with a line naming the file and the key or plugin.
. "$(dirname "$0")/lib.sh"

ex="$VIGIL_SOURCE_DIR/examples/attack"
cat >"$TMP/ok.json" <<J
{"rules": ["$VIGIL_SOURCE_DIR/lua-rules"], "workers": 2,
 "log": {"level": "warn", "format": "json"},
 "sources": [{"name": "trail", "type": "file", "config": {"paths": ["$ex"]}}],
 "sinks": [{"name": "archive", "type": "file", "config": {"path": "$TMP/alerts.jsonl"}}]}
J
expect_status 0 "$VIGIL" run -c "$TMP/ok.json" --stats
[ -s "$TMP/alerts.jsonl" ] || fail "no alerts written"
# The one-shot scan of the same folder gives the same alerts.
expect_status 1 "$VIGIL" scan -f json "$ex"
cut_ids() { python3 -c 'import json,sys
print("\n".join(sorted(json.loads(l)["rule_id"]+" "+str(json.loads(l)["event_id"]) for l in open(sys.argv[1]))))' "$1"; }
[ "$(cut_ids "$TMP/alerts.jsonl")" = "$(cut_ids "$TMP/out")" ] || fail "run and scan differ"

# Running again appends.
n=$(wc -l <"$TMP/alerts.jsonl")
expect_status 0 "$VIGIL" run -c "$TMP/ok.json"
[ "$(wc -l <"$TMP/alerts.jsonl")" -eq $((2 * n)) ] || fail "file sink did not append"

echo '{"sources": [], "sinkz": []}' >"$TMP/bad.json"
expect_status 2 "$VIGIL" run -c "$TMP/bad.json"
grep_in "$TMP/err" 'bad\.json: unknown key "sinkz"'
echo '{"sources": [{"type": "nosuch"}], "sinks": [{"type": "stdout"}]}' >"$TMP/bad.json"
expect_status 2 "$VIGIL" run -c "$TMP/bad.json"
grep_in "$TMP/err" 'no source plugin "nosuch"'
echo '{"sources": [{"type": "file", "config": {"pathz": []}}], "sinks": [{"type": "stdout"}]}' \
  >"$TMP/bad.json"
expect_status 2 "$VIGIL" run -c "$TMP/bad.json"
grep_in "$TMP/err" 'pathz'
echo '{"sources": [' >"$TMP/bad.json"
expect_status 2 "$VIGIL" run -c "$TMP/bad.json"
grep_in "$TMP/err" 'bad\.json:[0-9]+: invalid JSON near here'
printf '{"sources": [{"type": "stdin"}, {"type": "stdin"}], "sinks": [{"type": "stdout"}]}' \
  >"$TMP/bad.json"
expect_status 2 "$VIGIL" run -c "$TMP/bad.json"
grep_in "$TMP/err" 'sources\[1\]: the name "stdin" is taken'
echo ok
