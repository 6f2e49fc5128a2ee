#!/usr/bin/env bash
# The main job: `vigil scan` on the bundled example attack raises exactly
# the alerts the story in examples/README.md promises (reviewed by hand and
# kept in expected/examples-attack.txt), in every format the source reads,
# with 1 and with 2 workers.
. "$(dirname "$0")/lib.sh"

expected="$(dirname "$0")/expected/examples-attack.txt"
summarise() {
  python3 -c '
import json, sys
rows = []
for line in open(sys.argv[1]):
    a = json.loads(line)
    rows.append(" ".join([a["rule_id"], a["severity"], a["event_name"], a["event_id"], a["actor"]]))
print("\n".join(sorted(rows)))' "$1"
}

for w in 1 2; do
  expect_status 1 "$VIGIL" scan -f json -w "$w" "$VIGIL_SOURCE_DIR/examples/attack"
  summarise "$TMP/out" >"$TMP/got"
  diff -u "$expected" "$TMP/got" || fail "alerts differ from $expected with $w workers"
  [ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "errors on stderr"; }
done

# The same records through stdin (gzip and JSON Lines from a pipe) give the
# alerts that came from those files.
for f in "$VIGIL_SOURCE_DIR"/examples/attack/*; do
  status=0
  "$VIGIL" scan -f json - <"$f" >>"$TMP/stdin.jsonl" 2>>"$TMP/err" || status=$?
  [ "$status" -le 1 ] || { cat "$TMP/err" >&2; fail "stdin scan of $f exited $status"; }
done
summarise "$TMP/stdin.jsonl" >"$TMP/got"
diff -u "$expected" "$TMP/got" || fail "alerts from stdin differ"

# The text form: one readable line per alert, no colour when not a terminal.
expect_status 1 "$VIGIL" scan "$VIGIL_SOURCE_DIR/examples/attack"
[ "$(wc -l <"$TMP/out")" -eq "$(wc -l <"$expected")" ] || fail "text lines != alerts"
if grep -q $'\e\[' "$TMP/out"; then fail "colour codes in a pipe"; fi
grep_in "$TMP/out" '^2024-05-21T14:09:40Z HIGH aws\.iam\.detach_guardrail_policy .*DenyS3DeleteGuardrail'
echo ok
