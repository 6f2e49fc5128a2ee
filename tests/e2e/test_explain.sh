#!/usr/bin/env bash
# vigil explain: finding rules by id or eventName, the runbook layout
# (wrapping, numbered steps, pasteable commands, ATT&CK tags), --json, and
# the errors for unknown names and broken rules.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$VIGIL" explain --help
grep_in "$TMP/out" '^usage: vigil explain'
expect_status 2 "$VIGIL" explain
grep_in "$TMP/err" 'give one RULE-ID or EVENTNAME'
expect_status 2 "$VIGIL" explain a b
expect_status 2 "$VIGIL" explain --frobnicate x

# Two rules on one eventName. The medium one is loaded first (file order);
# the page must still open with the high one.
mkdir -p "$TMP/rules"
cat >"$TMP/rules/a_widget.lua" <<'L'
-- fixture
rule {
  id = "acme.widget.put_medium",
  title = "Widget replaced",
  severity = "medium",
  on = { eventSource = "widget.amazonaws.com", eventName = "PutWidget",
         unless = { userAgent = { "ci-bot/*", { nocase = "*Terraform*" } }, readOnly = true } },
  runbook = { about = "short", console = { "Open it." }, cli = { "aws widget get" } },
}
L
cat >"$TMP/rules/b_widget.lua" <<'L'
-- fixture


rule {
  id = "acme.widget.put_high",
  title = "Widget replaced by someone outside the widget team",
  severity = "high",
  author = "Ada Example",
  description = "A principal replaced a widget, which every service in the account reads "
    .. "at start-up, so the change reaches production at the next deploy.",
  tags = { "attack.t1098.001", "attack.privilege_escalation", "cis.1.2" },
  references = { "https://example.com/widgets" },
  on = { eventSource = "widget.amazonaws.com", eventName = { "PutWidget", "PatchWidget" } },
  runbook = {
    about = "PutWidget overwrites the whole widget document. The old version is kept for "
      .. "thirty days under its version id, and nothing else records who wrote which "
      .. "version, so this event is the only place the author of a change can be found.",
    risks = { "Privilege escalation: widgets grant roles to whoever reads them first and "
      .. "then keep those roles for as long as the session lasts." },
    console = { "Widgets > All widgets: open the widget named in the alert.",
                "Versions tab: compare the new version with the previous one.",
                "7. Restore the previous version if the change was not planned." },
    cli = { "aws widget restore-widget-version --widget-name <widget-name> "
              .. "--version-id <previous-version-id> --region <region> --no-cli-pager" },
  },
}
L

expect_status 0 "$VIGIL" explain --rules "$TMP/rules" PutWidget
cp "$TMP/out" "$TMP/page"
grep_in "$TMP/page" '^2 rules fire on PutWidget, most severe first\.$'
high=$(grep -n '^  id        acme.widget.put_high$' "$TMP/page" | cut -d: -f1)
medium=$(grep -n '^  id        acme.widget.put_medium$' "$TMP/page" | cut -d: -f1)
[ -n "$high" ] && [ -n "$medium" ] || fail "both rules must be printed"
[ "$high" -lt "$medium" ] || fail "the high rule must come first"
grep_in "$TMP/page" '^  severity  high$'
grep_in "$TMP/page" '^  fires on  PutWidget, PatchWidget from widget\.amazonaws\.com$'
grep_in "$TMP/page" "^  defined   .*/b_widget\\.lua:4\$"
grep_in "$TMP/page" '^  author    Ada Example$'
for h in 'What happened' 'Why it matters' 'Console' 'CLI' 'ATT&CK' 'Tags' 'References'; do
  grep_in "$TMP/page" "^$h\$"
done
# Not a terminal: 80 columns, and nothing wider.
awk 'length($0) > 80 { print FILENAME ":" NR ": " length($0); bad = 1 } END { exit bad }' \
  "$TMP/page" || fail "a line is wider than 80 columns"
# Steps keep their own numbers and the others are numbered by position.
grep_in "$TMP/page" '^  1\. Widgets > All widgets: open the widget named in the alert\.$'
grep_in "$TMP/page" '^  2\. Versions tab: compare'
grep_in "$TMP/page" '^  7\. Restore the previous version'
grep_in "$TMP/page" '^  - Privilege escalation: widgets grant'
# Tags: tactic by name, technique with its link, other tags as they are.
grep_in "$TMP/page" '^  tactics     Privilege Escalation$'
grep_in "$TMP/page" '^  technique   T1098\.001 https://attack\.mitre\.org/techniques/T1098/001/$'
grep_in "$TMP/page" '^  cis\.1\.2$'
grep_in "$TMP/page" '^  https://example\.com/widgets$'

# Wrapped text reads back as written: the about paragraph, and the long CLI
# command, broken with " \" so that it still pastes into a shell.
python3 - "$TMP/page" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
about = re.search(r"\nWhat happened\n((?:  .*\n)+)", page).group(1)
want = ("PutWidget overwrites the whole widget document. The old version is kept for thirty "
        "days under its version id, and nothing else records who wrote which version, so "
        "this event is the only place the author of a change can be found.")
got = " ".join(l.strip() for l in about.splitlines())
assert got == want, got
assert len(about.splitlines()) > 1, "the paragraph was not wrapped"
cli = re.search(r"\nCLI\n((?:  .*\n)+)", page).group(1)
lines = cli.splitlines()
assert len(lines) > 1 and all(l.endswith(" \\") for l in lines[:-1]), cli
joined = " ".join(l.strip().rstrip("\\").strip() for l in lines)
assert joined == ("aws widget restore-widget-version --widget-name <widget-name> "
                  "--version-id <previous-version-id> --region <region> --no-cli-pager"), joined
PY

# An id gives that rule alone; case does not matter for ids or eventNames.
expect_status 0 "$VIGIL" explain --rules "$TMP/rules" ACME.widget.put_medium
grep_in "$TMP/out" '^Widget replaced$'
# on.unless: what the rule skips, strings quoted, nocase ones marked
skips='^  skips     readOnly: true; userAgent: "ci-bot/\*", "\*terraform\*" \(any case\)$'
grep_in "$TMP/out" "$skips"
grep -q 'put_high' "$TMP/out" && fail "an id must print only its rule"
expect_status 0 "$VIGIL" explain --rules "$TMP/rules" patchwidget
grep_in "$TMP/out" '^  id        acme.widget.put_high$'
grep -q 'put_medium' "$TMP/out" && fail "PatchWidget is indexed by one rule only"

# JSON: every field, the index the rule declared, ATT&CK decoded.
expect_status 0 "$VIGIL" explain --rules "$TMP/rules" --json PutWidget
python3 - "$TMP/out" <<'PY'
import json, sys
rules = json.load(open(sys.argv[1]))
assert [r["id"] for r in rules] == ["acme.widget.put_high", "acme.widget.put_medium"], rules
r = rules[0]
assert r["severity"] == "high" and r["author"] == "Ada Example"
assert r["on"] == {"eventSource": ["widget.amazonaws.com"],
                   "eventName": ["PutWidget", "PatchWidget"]}, r["on"]
assert r["file"].endswith("/b_widget.lua") and r["line"] == 4
assert r["runbook"]["console"][2].startswith("7. Restore")
assert r["references"] == ["https://example.com/widgets"]
assert r["attack"] == [
    {"tag": "attack.t1098.001", "kind": "technique", "id": "T1098.001",
     "url": "https://attack.mitre.org/techniques/T1098/001/"},
    {"tag": "attack.privilege_escalation", "kind": "tactic", "name": "Privilege Escalation"}
], r["attack"]
assert "risks" not in rules[1]["runbook"] and "tags" not in rules[1]
assert rules[1]["on"]["unless"] == {"readOnly": [True],
                                    "userAgent": ["ci-bot/*", {"nocase": "*terraform*"}]}, \
    rules[1]["on"]
assert "unless" not in r["on"]
PY

# --list: every rule in load order, one line each; with --json, all of them.
expect_status 0 "$VIGIL" explain --rules "$TMP/rules" --list
[ "$(cat "$TMP/out")" = "medium    acme.widget.put_medium  Widget replaced
high      acme.widget.put_high    Widget replaced by someone outside the widget team" ] ||
  fail "unexpected --list: $(cat "$TMP/out")"
expect_status 0 "$VIGIL" explain --rules "$TMP/rules" --list --json
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r)==2 and \
  r[1]["on"]["eventName"]==["PutWidget","PatchWidget"], r' "$TMP/out"
expect_status 2 "$VIGIL" explain --rules "$TMP/rules" --list PutWidget
grep_in "$TMP/err" 'takes no RULE-ID'

# Stateful forms, exceptions, disabled rules and a local override, in the
# header an on-call engineer reads first.
mkdir -p "$TMP/forms" "$TMP/local"
cat >"$TMP/forms/forms.lua" <<'L'
rule {
  id = "acme.widget.burst", title = "Many widgets replaced", severity = "medium",
  on = { eventSource = "widget.amazonaws.com", eventName = "PutWidget" },
  threshold = { count = 5, window = "10m" },
  dedup = { window = "1h", key = "requestParameters.widgetName" },
  exceptions = { { field = "userIdentity.userName", values = { "deployer", "ci" } },
                 function(e) return false end },
}
rule {
  id = "acme.widget.spread", title = "Many widgets read", severity = "low",
  on = { eventSource = "widget.amazonaws.com", eventName = "GetWidget" },
  distinct = { count = 20, field = "requestParameters.widgetName", window = "90s",
               key = { "userIdentity.arn", "awsRegion" } },
}
rule {
  id = "acme.widget.chain", title = "Widget replaced then deleted", severity = "high",
  enabled = false,
  sequence = { window = "2h", steps = {
    { name = "replaced", on = { eventSource = "widget.amazonaws.com", eventName = "PutWidget" } },
    { name = "deleted", on = { eventSource = "widget.amazonaws.com", eventName = "DeleteWidget" } },
  } },
}
L
cat >"$TMP/local/site.lua" <<'L'
override { id = "acme.widget.burst", severity = "critical", reason = "prod widgets",
           exceptions = { { field = "sourceIPAddress", values = { "10.0.0.1" } } } }
override { id = "acme.widget.spread", enabled = false, reason = "too noisy here" }
L
# Relative folders keep the paths short, so each line below fits in 80
# columns whatever the temporary folder's name.
cd "$TMP"
forms=(--rules ./forms --rules ./local)
expect_status 0 "$VIGIL" explain "${forms[@]}" acme.widget.burst
# The override's path is as long as the temporary folder's, so where the
# line wraps varies: check the start of the line, then the words joined.
grep_in "$TMP/out" '^  severity  critical \(override at '
tr -s ' \n' ' ' <"$TMP/out" >"$TMP/joined"
grep_in "$TMP/joined" 'critical \(override at [^ ]*/local/site\.lua:1; the rule says medium\)'

grep_in "$TMP/out" '^  threshold 5 matching events with the same actor within 10m$'
grep_in "$TMP/out" '^  dedup     one alert per requestParameters\.widgetName every 1h$'
grep_in "$TMP/out" '^  except    userIdentity\.userName is deployer or ci \(.*/forms\.lua:1\)$'
grep_in "$TMP/out" '^  except    a function of the event says so'
grep_in "$TMP/out" '^  except    sourceIPAddress is 10\.0\.0\.1 \(.*/local/site\.lua:1\)$'
expect_status 0 "$VIGIL" explain "${forms[@]}" GetWidget
grep_in "$TMP/out" '^  status    disabled by an override: it never runs$'
grep_in "$TMP/out" '^  distinct  20 different requestParameters\.widgetName for the same$'
grep_in "$TMP/out" '^            userIdentity\.arn \+ awsRegion within 90s$'
expect_status 0 "$VIGIL" explain "${forms[@]}" DeleteWidget
grep_in "$TMP/out" '^  status    disabled \(enabled = false\): it never runs$'
grep_in "$TMP/out" '^  fires on  PutWidget, DeleteWidget from widget\.amazonaws\.com$'
grep_in "$TMP/out" '^  sequence  2 steps in this order, with the same actor, within 2h$'
grep_in "$TMP/out" '^  step 1    replaced: PutWidget from widget\.amazonaws\.com$'
grep_in "$TMP/out" '^  step 2    deleted: DeleteWidget from widget\.amazonaws\.com$'
expect_status 0 "$VIGIL" explain "${forms[@]}" --list --json
python3 - "$TMP/out" <<'PY'
import json, sys
r = {x["id"]: x for x in json.load(open(sys.argv[1]))}
b, s, c = r["acme.widget.burst"], r["acme.widget.spread"], r["acme.widget.chain"]
assert (b["severity"], b["severity_written"], b["enabled"]) == ("critical", "medium", True), b
assert b["override"].endswith("/local/site.lua:1"), b
assert b["form"] == {"kind": "threshold", "window_ms": 600000, "key": "actor", "count": 5,
                     "dedup": {"window_ms": 3600000, "key": ["requestParameters.widgetName"]}}, b
assert [(e.get("field"), e.get("function", False), e["override"]) for e in b["exceptions"]] == [
    ("userIdentity.userName", False, False), (None, True, False),
    ("sourceIPAddress", False, True)], b["exceptions"]
assert s["enabled"] is False and s["form"]["kind"] == "distinct", s
assert s["form"]["key"] == ["userIdentity.arn", "awsRegion"] and s["form"]["count"] == 20, s
assert c["enabled"] is False and [x["name"] for x in c["form"]["steps"]] == ["replaced", "deleted"]
assert c["form"]["steps"][1]["eventName"] == ["DeleteWidget"], c
PY

# Unknown names: exit 2, the name quoted, near ids and eventNames suggested.
expect_status 2 "$VIGIL" explain --rules "$TMP/rules" PutWidgets
grep_in "$TMP/err" "no rule with id or eventName 'PutWidgets'"
grep_in "$TMP/err" '^did you mean:  PutWidget$'
[ ! -s "$TMP/out" ] || fail "nothing goes to stdout for an unknown name"
expect_status 2 "$VIGIL" explain --rules "$TMP/rules" acme.widget
grep_in "$TMP/err" 'acme\.widget\.put_high'
grep_in "$TMP/err" 'acme\.widget\.put_medium'
expect_status 2 "$VIGIL" explain --rules "$TMP/rules" Zebra
grep -q 'did you mean' "$TMP/err" && fail "nothing is near 'Zebra'"

# Rules that do not load: exit 2 and the loader's file:line.
mkdir -p "$TMP/broken"
printf 'rule {\n  id = "x",\n' >"$TMP/broken/bad.lua"
expect_status 2 "$VIGIL" explain --rules "$TMP/broken" x
grep_in "$TMP/err" 'bad\.lua:[0-9]+'

# The bundled pack: the page issue 5 asks for.
expect_status 0 "$VIGIL" explain DetachRolePolicy
grep_in "$TMP/out" '^  id        aws\.iam\.detach_role_policy$'
grep_in "$TMP/out" '^  fires on  DetachRolePolicy from iam\.amazonaws\.com$'
grep_in "$TMP/out" '^  defined   .*/aws/iam/detach_role_policy\.lua:[0-9]+$'
for h in 'What happened' 'Why it matters' 'Console' 'CLI'; do
  grep_in "$TMP/out" "^$h\$"
done
grep_in "$TMP/out" '^  1\. '
grep_in "$TMP/out" '^  aws iam attach-role-policy --role-name <role> --policy-arn <policy-arn>$'
echo "ok"
