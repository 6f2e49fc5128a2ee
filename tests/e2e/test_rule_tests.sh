#!/usr/bin/env bash
# `vigil test`: the shipped pack passes; a wrong expectation and a runtime
# error are reported with rule id and file:line; the rest still run.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$VIGIL" test
grep_in "$TMP/out" '^[0-9]+ tests: [0-9]+ passed, 0 failed'
# Every shipped rule carries tests.
grep_in "$TMP/out" ', 0 without\)$'

mkdir -p "$TMP/r/samples"
cat >"$TMP/r/samples/stop.json" <<'J'
{"eventTime":"2024-01-01T00:00:00Z","eventSource":"cloudtrail.amazonaws.com",
 "eventName":"StopLogging","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a"},
 "requestParameters":{"name":"t"}}
J
cat >"$TMP/r/rules.lua" <<'L'
rule {
  id = "t.wrong", title = "expects the wrong thing", severity = "low",
  on = { eventName = "StopLogging" },
  tests = { { name = "flipped", event = "samples/stop.json", fires = false },
            { name = "inline", event = { eventName = "StopLogging", eventTime = "x" },
              fires = true } },
}
rule {
  id = "t.crash", title = "errors at run time", severity = "low",
  on = { eventName = "StopLogging" },
  when = function(e) return e.requestParameters.name.nope.deeper end,
  tests = { { name = "boom", event = "samples/stop.json", fires = true } },
}
rule {
  id = "t.good", title = "fine", severity = "low",
  on = { eventName = "StopLogging" },
  output = "{actor} stopped {requestParameters.name}",
  when = function(e) return e.userIdentity.type == "IAMUser" end,
  tests = { { name = "fires", event = "samples/stop.json", fires = true,
              alert = { message = "arn:aws:iam::1:user/a stopped t", severity = "low" } },
            { name = "other event", event = { eventName = "StartLogging" }, fires = false } },
}
L
expect_status 1 "$VIGIL" test "$TMP/r"
grep_in "$TMP/out" "^FAIL t\.wrong test 1 \(flipped\) \[.*rules\.lua:1\]: expected the rule not to fire, it fired"
grep_in "$TMP/out" "^FAIL t\.crash test 1 \(boom\) \[.*rules\.lua:8\]: rule error: .*rules\.lua:11: attempt to index"
grep_in "$TMP/out" '^5 tests: 3 passed, 2 failed'

# Expected alert fields are compared.
sed -i 's/stopped t", severity/stopped T", severity/' "$TMP/r/rules.lua"
expect_status 1 "$VIGIL" test "$TMP/r"
grep_in "$TMP/out" 'FAIL t\.good test 1 \(fires\).*alert field differs'
echo ok

# vigil lint: the shipped pack is clean; a rule without a quiet test or a
# runbook is a problem named by file:line.
expect_status 0 "$VIGIL" lint
grep_in "$TMP/out" ' 0 problem\(s\)'
mkdir -p "$TMP/l"
cat > "$TMP/l/r.lua" <<'L'
rule { id = "t.lint", title = "t", severity = "low", on = { eventName = "X" },
  tests = { { name = "fires", event = { eventName = "X" }, fires = true },
            { name = "typo", event = { eventName = "Y" }, fire = false } } }
L
expect_status 1 "$VIGIL" lint "$TMP/l"
grep_in "$TMP/out" "r\.lua:1: t\.lint: no test that stays quiet"
grep_in "$TMP/out" "r\.lua:1: t\.lint: test 2: unknown field 'fire'"
grep_in "$TMP/out" "r\.lua:1: t\.lint: no runbook"
expect_status 0 "$VIGIL" lint --print-index "$TMP/l"
grep_in "$TMP/out" "^\*	X$"
echo ok
