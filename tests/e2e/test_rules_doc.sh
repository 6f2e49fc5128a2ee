#!/usr/bin/env bash
# docs/rules.md cannot rot: every ```console block in it is run from the
# source tree and must print what the page shows. A block holds commands
# ("$ " lines, "\" continues one) each followed by its expected output
# (stdout and stderr together). Decimal numbers (timings) compare as any
# number. Then the examples themselves: the acme rules and overrides pass
# their tests and lint clean, the override of a shipped rule passes with the
# pack, and the reload shown in the page works as it says.
. "$(dirname "$0")/lib.sh"

DOC="$VIGIL_SOURCE_DIR/docs/rules.md"
mkdir "$TMP/bin"
ln -s "$VIGIL" "$TMP/bin/vigil"
# The bundled pack, found next to the binary as vigil finds it.
PACK="$(dirname "$VIGIL")/rules"
[ -d "$PACK/aws" ] || fail "no bundled pack at $PACK"

cd "$VIGIL_SOURCE_DIR"
if ! PATH="$TMP/bin:$PATH" python3 - "$DOC" <<'PY'; then
import re, shutil, subprocess, sys

text = open(sys.argv[1]).read()
blocks = re.findall(r"^```console\n(.*?)^```", text, re.S | re.M)
num = re.compile(r"\b\d+\.\d+\b")
bad = 0
ran = 0
for block in blocks:
    cmds = []  # [command, expected lines]
    lines = block.split("\n")[:-1]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\"):
                i += 1
                cmd = cmd + "\n" + lines[i]
            cmds.append([cmd, []])
        elif cmds:
            cmds[-1][1].append(line)
        i += 1
    for cmd, want in cmds:
        if "| jq" in cmd and not shutil.which("jq"):
            print(f"skipped (jq is not installed): $ {cmd}", file=sys.stderr)
            continue
        ran += 1
        got = subprocess.run(["bash", "-c", cmd], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True).stdout
        got = got.rstrip("\n").split("\n") if got.strip() else []
        if [num.sub("#", l) for l in got] != [num.sub("#", l) for l in want]:
            bad += 1
            print(f"--- $ {cmd}\n--- the page shows:", *want, "--- vigil prints:", *got,
                  sep="\n", file=sys.stderr)
print(f"{ran} commands checked, {bad} differ", file=sys.stderr)

# Each ```lua listing marked <!-- from FILE --> holds lines of FILE in
# order ("-- ..." lines stand for what was left out).
listings = re.findall(r"^<!-- from (\S+) -->\n```lua\n(.*?)^```", text, re.S | re.M)
for path, body in listings:
    have = open(path).read().split("\n")
    at = 0
    for line in body.split("\n")[:-1]:
        if line.strip() == "-- ..." or line.strip().startswith("-- ... "):
            continue
        while at < len(have) and have[at] != line:
            at += 1
        if at == len(have):
            bad += 1
            print(f"--- the listing of {path} shows a line not in it (or out of order):\n"
                  f"{line}", file=sys.stderr)
            break
        at += 1
print(f"{len(listings)} listings checked", file=sys.stderr)
if len(listings) < 10:
    print("listings without their <!-- from FILE --> mark?", file=sys.stderr)
    bad += 1
if ran < 15:
    print("too few commands found: is the page still using ```console blocks?", file=sys.stderr)
    bad += 1
sys.exit(1 if bad else 0)
PY
  fail "docs/rules.md differs from what vigil prints"
fi

# The examples: tests pass, lint is clean, with and without the overrides.
expect_status 0 "$VIGIL" test examples/rules/acme examples/rules/overrides
grep_in "$TMP/out" '^23 tests: 23 passed, 0 failed \(7 rules, 7 with tests, 0 without\)$'
expect_status 0 "$VIGIL" lint examples/rules/acme examples/rules/overrides
grep_in "$TMP/out" '^7 rules from 8 files: 0 problem\(s\), 0 warning\(s\)$'
expect_status 0 "$VIGIL" test "$PACK" examples/rules/pack-overrides
grep_in "$TMP/out" ' 0 failed '
expect_status 1 "$VIGIL" scan --rules "$PACK" --rules examples/rules/pack-overrides \
  examples/rules/logs
grep_in "$TMP/out" 'aws\.iam\.create_user .*user/intern created IAM user backup-admin'
if grep -q 'aws\.iam\.create_user .*terraform-ci' "$TMP/out"; then
  fail "the override's exception did not drop terraform-ci's CreateUser"
fi

# Hot reload and stats as the page shows them, in a copy of the examples
# (so the paths in messages read the same).
mkdir -p "$TMP/src/examples/rules"
cp -r examples/rules/acme examples/rules/overrides examples/rules/logs "$TMP/src/examples/rules/"
cd "$TMP/src"
cat >pipeline.json <<'J'
{"rules": ["examples/rules/acme", "examples/rules/overrides"], "workers": 2,
 "stats_interval": 1, "log": {"level": "info"},
 "sources": [{"name": "trail", "type": "stdin"}],
 "sinks": [{"name": "console", "type": "stdout", "config": {"format": "text"}}]}
J
mkfifo trail
"$VIGIL" run -c pipeline.json <trail >run.out 2>run.err &
pid=$!
exec 3>trail
logged() { # logged ERE: waits up to 10 s for a line of run.err
  local i
  for i in $(seq 100); do
    if grep -Eq -- "$1" run.err; then return 0; fi
    sleep 0.1
  done
  cat run.err >&2
  fail "vigil run never logged: $1"
}
head -n 45 examples/rules/logs/day.jsonl >&3
logged '\[stats\] records 45 '
kill -HUP $pid
logged '\[rules\] reloading rules$'
logged '\[rules\] reloaded: 7 rules \(1 disabled\), generation 2 replaces 1$'
sed -i 's/severity = "critical"/severty = "critical"/' examples/rules/acme/stop_logging.lua
kill -HUP $pid
logged "\[rules\] reload refused, the running rules stay: $(
  )examples/rules/acme/stop_logging\.lua:4: $(
  )rule: unknown field 'severty' \(did you mean 'severity'\?\)$"
# The running set goes on, with its memory: the rest of the day completes
# the sequence whose first step came before the reloads.
tail -n +46 examples/rules/logs/day.jsonl >&3
logged '\[stats\] records 50 '
logged '\[stats\] costliest rule 1: acme\.'
exec 3>&-
wait $pid || fail "vigil run exited with $?"
grep_in run.out 'CRITICAL acme\.iam\.guardrail_then_admin .*user/mallory'
[ "$(grep -c . run.out)" -eq 8 ] || fail "expected the 8 alerts of the page, got $(cat run.out)"
grep_in run.err "\[stats\] rule acme\.iam\.write_spree: $(
  )evaluated 27, matches 27, alerts 1, errors 0, evicted 0, [0-9.]+ ms$"
echo ok
