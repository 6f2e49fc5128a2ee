#!/usr/bin/env bash
# The fast path changes nothing but speed: the shipped pack over the real
# logs in ../shared/data/cloudtrail gives the same alerts and the same
# per-rule counts (evaluated, matches, alerts) with the fast path (scanner
# and rule index, the `when` pre-filter on the scanning worker) and without
# it (VIGIL_FAST_PATH=off: every record parsed with cJSON and each rule's
# `on` checked on the tree by vigil_rule_admits), each on 1 and 2 workers,
# and on 2 workers without the pre-filter (VIGIL_PREFILTER=off).
. "$(dirname "$0")/lib.sh"

data="$VIGIL_SOURCE_DIR/../shared/data/cloudtrail"
if [ ! -d "$data" ]; then
  echo "SKIP: $data is absent (the shared real-log corpus is not on this machine)"
  exit 77
fi

# One line per alert, sorted: the whole alert but its detection time.
summarise() {
  python3 -c '
import json, sys
rows = []
for line in open(sys.argv[1]):
    a = json.loads(line)
    del a["detected_at"]
    rows.append(json.dumps(a, sort_keys=True))
print("\n".join(sorted(rows)))' "$1"
}

for run in on-w1 on-w2 off-w1 off-w2 nopre-w2; do
  w=${run#*-w}
  fast=on pre=on
  case $run in off-*) fast=off ;; nopre-*) pre=off ;; esac
  status=0
  VIGIL_FAST_PATH=$fast VIGIL_PREFILTER=$pre "$VIGIL" scan -f json --stats -w "$w" "$data" \
    >"$TMP/$run.jsonl" 2>"$TMP/$run.err" || status=$?
    # 2: the one malformed file of the corpus (see test_real_data.sh).
  [ "$status" -eq 2 ] || { tail -5 "$TMP/$run.err" >&2; fail "$run: exit $status, want 2"; }
  summarise "$TMP/$run.jsonl" >"$TMP/$run.alerts"
  grep -E '^  aws\.' "$TMP/$run.err" | awk '{ print $1, $2, $3, $4 }' >"$TMP/$run.rules"
  grep -E '^records [0-9]+' "$TMP/$run.err" | head -1 |
    sed -E 's/^records ([0-9]+), candidates ([0-9]+).*/\1 \2/' >"$TMP/$run.counts"
done

[ "$(wc -l <"$TMP/on-w1.alerts")" -gt 50 ] || fail "too few alerts on the real logs"
[ "$(wc -l <"$TMP/on-w1.rules")" -gt 100 ] || fail "no per-rule counts in --stats"
read -r records candidates <"$TMP/on-w1.counts"
# The index must drop records, or this test would compare nothing.
[ "$candidates" -lt "$records" ] || fail "every record was a candidate ($candidates)"
for run in on-w2 off-w1 off-w2 nopre-w2; do
  diff -u "$TMP/on-w1.alerts" "$TMP/$run.alerts" || fail "alerts differ: on-w1 vs $run"
  diff -u "$TMP/on-w1.rules" "$TMP/$run.rules" || fail "per-rule counts differ: on-w1 vs $run"
  # The index and vigil_rule_admits pick the same records.
  diff -u "$TMP/on-w1.counts" "$TMP/$run.counts" || fail "record/candidate counts differ: $run"
done
echo "ok: $records records, $candidates candidates, $(wc -l <"$TMP/on-w1.alerts") alerts," \
  "the same with and without the fast path, on 1 and 2 workers"
