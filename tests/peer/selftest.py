#!/usr/bin/env python3
"""Checks run_peer.py's judgement on made-up cases with known answers, so
the report itself is tested without ../shared: every verdict and special
class, noise, the Sigma name index (exact, glob, wrong eventSource), the
totals, the targets of --check and --check-agreement, and the errors for
bad claims. Then noise.py's alerts-per-rule table on a made-up log folder,
and pack_coverage.py's tables.
Needs $VIGIL (or --vigil)."""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))

RULES = {
    # fires on a successful StopLogging
    "stop.lua": '''rule { id = "t.stop", title = "stop", severity = "high",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" },
  when = function(e) return e.errorCode == nil end }''',
    # fires on every StopLogging, failed or not: noise for other intents
    "noisy.lua": '''rule { id = "t.noisy", title = "noisy", severity = "low",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" } }''',
    # an error at run time on DeleteTrail
    "boom.lua": '''rule { id = "t.boom", title = "boom", severity = "low",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "DeleteTrail" },
  when = function(e) return e.requestParameters.name.x end }''',
    # a burst rule: matches every StopLogging, alerts at the fifth
    "count.lua": '''rule { id = "t.count", title = "count", severity = "low",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" },
  threshold = { count = 5, window = "10m" } }''',
    # indexed on any eventSource
    "anysrc.lua": '''rule { id = "t.anysrc", title = "any source", severity = "low",
  on = { eventName = "PutBucketPolicy" } }''',
}


def event(name, **extra):
    e = {"eventVersion": "1.08", "eventTime": "2024-01-01T00:00:00Z",
         "eventSource": "cloudtrail.amazonaws.com", "eventName": name,
         "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.7",
         "userIdentity": {"type": "IAMUser", "userName": "pat",
                          "arn": "arn:aws:iam::111122223333:user/pat"}}
    e.update(extra)
    return e


def case(rule_id, test, expected, ev, **kw):
    c = {"source": "panther", "rule_id": rule_id, "title": rule_id, "test_name": test,
         "expected": expected, "has_mocks": False, "mocks": [], "event": ev,
         "log_quirks": [], "threshold": 1, "create_alert": True, "rule_enabled": True,
         "repo": "example/peer", "commit": "0" * 40}
    c.update(kw)
    return c


AMI = "AWS.CloudTrail.AMIModifiedForPublicAccess"
NOT_NEW = [{"objectName": "check_account_age", "returnValue": False}]


def ami_share(items):
    return event("ModifyImageAttribute", eventSource="ec2.amazonaws.com",
                 requestParameters={"imageId": "ami-1", "attributeType": "launchPermission",
                                    "launchPermission": {"add": {"items": items}}})


LOWER = {k.lower(): v for k, v in event("StopLogging").items()}
del LOWER["eventtime"]

CASES = [
    # (case, verdict the report must give)
    (case("P.Stop", "stopped", True, event("StopLogging")), "agree"),
    (case("P.Stop", "denied", False, event("StopLogging", errorCode="AccessDenied")), "agree"),
    (case("P.Stop", "other event", True, event("StartLogging")), "DISAGREE"),
    (case("P.Stop", "mock put only", True, event("StopLogging"), has_mocks=True,
          mocks=[{"objectName": "put_string_set", "returnValue": ""}]), "agree"),
    (case("P.Stop", "mock rogue", True, event("StopLogging"), has_mocks=True,
          mocks=[{"objectName": "is_rogue_state", "returnValue": True}]), "context required"),
    # "not new" exempts nothing in a rule where a new entity is exempted...
    (case("P.Stop", "mock not new", True, event("StopLogging"), has_mocks=True,
          mocks=[{"objectName": "check_account_age", "returnValue": "False"}]), "agree"),
    # ...but silences the named account where a new one raises the alert
    (case(AMI, "shared with a known account", False, ami_share([{"userId": "444455556666"}]),
          has_mocks=True, mocks=NOT_NEW), "context required"),
    (case(AMI, "made public", False, ami_share([{"group": "all"}]), has_mocks=True,
          mocks=NOT_NEW), "agree"),
    (case("P.Stop", "lowercase", True, LOWER, log_quirks=["lowercase_field_names"]), "agree"),
    (case("P.Count", "one of many", True, event("StopLogging"), threshold=5), "agree"),
    (case("P.Count", "not a match", False, event("StopLogging", errorCode="X"), threshold=5),
     "agree"),
    # Panther's signal-only rule: our burst rule matches without alerting
    (case("P.Signal", "matched, no alert", True, event("StopLogging"), create_alert=False),
     "agree"),
    (case("P.Boom", "error", True, event("DeleteTrail", requestParameters={})), "ERROR"),
    (case("P.Intel", "enriched", True, {"p_enrichment": {}, "p_log_type": "AWS.CloudTrail"},
          log_quirks=["no_eventName", "panther_enrichment"]), "needs enrichment"),
    (case("P.Open", "nobody claims it", True, event("StopLogging")), "not covered"),
    (case("P.Gap", "declined", True, event("StopLogging")), "declined"),
    (case("P.Gap2", "only enrichment", True, {"p_log_type": "AWS.CloudTrail"},
          log_quirks=["no_eventName"]), "not covered"),
]

SIGMA = [
    {"id": "s-exact", "title": "exact", "author": "A", "folder": "rules",
     "event_names": ["StopLogging"], "event_sources": ["cloudtrail.amazonaws.com"]},
    {"id": "s-glob", "title": "glob", "author": "B", "folder": "rules",
     "event_names": ["Delete*"], "event_sources": []},
    {"id": "s-wrongsrc", "title": "other service", "author": "C", "folder": "rules",
     "event_names": ["DeleteTrail", "Nothing"], "event_sources": ["other.amazonaws.com"]},
    {"id": "s-anysrc", "title": "any source", "author": "D", "folder": "rules",
     "event_names": ["putbucketpolicy"], "event_sources": ["s3.amazonaws.com"]},
    {"id": "s-unsup", "title": "unsupported", "author": "E", "folder": "unsupported",
     "event_names": ["Unsupported"], "event_sources": []},
]

CLAIMS = """# fixture claims
panther\tP.Stop\tt.stop
panther\tP.Count\tt.stop
panther\tP.Signal\tt.count
panther\tP.Boom\tt.boom
panther\tAWS.CloudTrail.AMIModifiedForPublicAccess\tt.stop
panther\tP.Intel\tt.stop
panther\tP.Gap\t-\tkept as a gap on purpose
sigma\ts-exact\tt.stop
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(vigil, tmp, intents, *extra):
    cmd = [sys.executable, os.path.join(HERE, "run_peer.py"), "--vigil", vigil,
           "--rules", os.path.join(tmp, "rules"), "--cases", os.path.join(tmp, "cases"),
           "--intents", intents, "--json", os.path.join(tmp, "report.json")] + list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    with open(os.path.join(tmp, "report.json"), encoding="utf-8") as f:
        return p, json.load(f)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# noise.py: a rule that alerts on every successful StopLogging, and one that
# alerts once per actor per hour.
NOISE_RULES = {
    "each.lua": '''rule { id = "n.each", title = "each", severity = "low",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" },
  when = function(e) return e.errorCode == nil end }''',
    "hourly.lua": '''rule { id = "n.hourly", title = "hourly", severity = "info",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" },
  dedup = { window = "1h" } }''',
}


def check_noise(vigil, tmp):
    pat = event("StopLogging")
    sam = event("StopLogging", userIdentity={"type": "IAMUser", "userName": "sam",
                                             "arn": "arn:aws:iam::111122223333:user/sam"})
    denied = event("StopLogging", errorCode="AccessDenied")
    for name, text in NOISE_RULES.items():
        write(os.path.join(tmp, "noise-rules", name), text + "\n")
    logs = os.path.join(tmp, "logs")
    write(os.path.join(logs, "alpha", "x", "one.json"),
          json.dumps({"Records": [pat, pat, denied]}))
    write(os.path.join(logs, "beta", "two.json"), json.dumps({"Records": [sam]}))
    out = os.path.join(tmp, "noise.json")
    p = subprocess.run([sys.executable, os.path.join(HERE, "noise.py"), "--vigil", vigil,
                        "--rules", os.path.join(tmp, "noise-rules"), "--json", out, logs],
                       capture_output=True, text=True, timeout=120)
    expect(p.returncode == 0, f"noise.py exit {p.returncode}: {p.stdout}{p.stderr}")
    with open(out, encoding="utf-8") as f:
        rep = json.load(f)
    rows = {r["rule"]: r for r in rep["rules"]}
    expect([r["rule"] for r in rep["rules"]] == ["n.each", "n.hourly"], rep["rules"])
    each, hourly = rows["n.each"], rows["n.hourly"]
    expect((each["alerts"], each["matches"], each["actors"]) == (3, 3, 2), each)
    expect(each["datasets"] == {"alpha": 2, "beta": 1}, each)
    expect(each["top_actor"].endswith("user/pat") and each["top_actor_alerts"] == 2, each)
    # the failed call matches too; dedup folds pat's repeats into one alert
    expect((hourly["alerts"], hourly["matches"], hourly["actors"]) == (2, 4, 2), hourly)
    expect(rep["total_alerts"] == 5, rep)
    p = subprocess.run([sys.executable, os.path.join(HERE, "noise.py"), "--vigil", vigil,
                        os.path.join(tmp, "no-such-logs")], capture_output=True, text=True)
    expect(p.returncode == 77 and "SKIP" in p.stdout, f"missing logs: exit {p.returncode}")


def check_index_parsing():
    """The index as --print-index prints it, two columns or more (later `on`
    keys), and prefix keys in it."""
    sys.path.insert(0, HERE)
    import run_peer
    import vigil_cli
    two = "cloudtrail.amazonaws.com\tStopLogging\n*\tPutBucketPolicy\n"
    more = ("cloudtrail.amazonaws.com\tStopLogging\t*\t*\n"
            "cloudtrail.amazonaws.com\tStopLogging\t-\t*\n"
            "*\t*\tAccessDenied\t*\n*\tPutBucketPolicy\t*\tRoot\n"
            "s3.amazonaws.com\tList*\t-\t*\n")
    expect(vigil_cli.parse_index(two) == [("cloudtrail.amazonaws.com", "StopLogging"),
                                          ("*", "PutBucketPolicy")], "two columns")
    pairs = vigil_cli.parse_index(more)
    expect(pairs == [("cloudtrail.amazonaws.com", "StopLogging"), ("*", "*"),
                     ("*", "PutBucketPolicy"), ("s3.amazonaws.com", "List*")], pairs)
    hit = run_peer.name_indexed
    expect(hit("listbuckets", {"s3.amazonaws.com"}, pairs), "prefix key answers a name")
    expect(hit("List*", set(), pairs), "prefix key answers a Sigma glob with that prefix")
    expect(not hit("ListBuckets", {"iam.amazonaws.com"}, pairs), "prefix, other source")
    expect(not hit("GetObject", set(), pairs), "the any-name entry indexes no name")
    expect(hit("StopLogging", set(), pairs) and not hit("Stop", set(), pairs), "exact")


def check_pack_coverage(vigil, tmp):
    p = subprocess.run([sys.executable, os.path.join(HERE, "pack_coverage.py"), "--vigil", vigil,
                        "--rules", os.path.join(tmp, "noise-rules"),
                        "--intents", os.path.join(tmp, "intents"),
                        "--cases", os.path.join(tmp, "cases")],
                       capture_output=True, text=True, timeout=120)
    expect(p.returncode == 0, f"pack_coverage.py exit {p.returncode}: {p.stderr}")
    out = p.stdout
    # two rules in folder "n", no ATT&CK tags: the "none" column; one low, one info
    expect("| n | 2 | 2 | 0/0/0/1/1 |" in out, out)
    expect("| panther | `P.Gap` (P.Gap) | kept as a gap on purpose |" in out, out)
    expect("- panther `P.Open`" in out and "- sigma `s-glob`" in out, out)
    expect("P.Stop`" not in out and "s-exact" not in out, "claimed rules are not listed")


def main():
    vigil = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VIGIL")
    expect(vigil, "give the vigil binary as argument or $VIGIL")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in RULES.items():
            write(os.path.join(tmp, "rules", name), text + "\n")
        write(os.path.join(tmp, "cases", "panther-cloudtrail.jsonl"),
              "".join(json.dumps(c) + "\n" for c, _ in CASES))
        write(os.path.join(tmp, "cases", "sigma-cloudtrail-rules.jsonl"),
              "".join(json.dumps(s) + "\n" for s in SIGMA))
        write(os.path.join(tmp, "intents", "a.tsv"), CLAIMS)

        p, rep = run(vigil, tmp, os.path.join(tmp, "intents"))
        expect(p.returncode == 0, f"exit {p.returncode}: {p.stdout}{p.stderr}")
        for (c, want), row in zip(CASES, rep["cases"]):
            expect(row["verdict"] == want,
                   f"{c['rule_id']} / {c['test_name']}: {row['verdict']}, want {want}")
        rows = {(r["intent"], r["test"]): r for r in rep["cases"]}
        denied = rows[("P.Stop", "denied")]
        expect(denied["other_alerts"] == ["t.noisy"] and denied["noise"], denied)
        expect(not rows[("P.Stop", "stopped")]["noise"], "an expected-true case is not noise")
        low = rows[("P.Stop", "lowercase")]["notes"]
        expect("lowercase keys recased" in low and "eventTime supplied" in low, low)
        expect("as written: no alert" in low, low)
        expect(rows[("P.Count", "one of many")]["ours"] == "t.stop", "threshold case")

        t = rep["totals"]
        expect((t["judged"], t["agree"], t["disagree"], t["error"]) == (11, 9, 1, 1), t)
        expect(round(t["agreement_pct"], 1) == 81.8, t)
        expect(t["judged_signal_only"] == {"judged": 1, "agree": 1}, t)
        expect(t["judged_threshold"] == {"judged": 2, "agree": 2}, t)
        expect(t["judged_recased"] == {"judged": 1, "agree": 1}, t)
        expect(t["not_judged"] == {"needs enrichment": 1, "context required": 2,
                                   "stateful: not judged": 0}, t)
        # Intents: P.Stop, P.Count, P.Signal, P.Boom, P.Intel and AMI claimed of 9;
        # P.Intel and P.Gap2 have only enrichment cases.
        expect((t["intents"], t["intents_covered"], t["intents_declined"]) == (9, 6, 1), t)
        expect(sorted(t["enrichment_only_intents"]) == ["P.Gap2", "P.Intel"], t)
        expect((t["intents_covered_excl_enrichment"], t["intents_excl_enrichment"]) == (5, 7), t)
        # Sigma rules/: StopLogging (indexed), Delete* (DeleteTrail), putbucketpolicy
        # (an any-source rule; case-insensitive), DeleteTrail of another service and
        # Nothing (not indexed). Unsupported is outside rules/.
        s = rep["sigma"]["rules"]
        expect((s["event_names"], s["indexed"]) == (5, 3), s)
        expect(s["not_indexed"] == ["DeleteTrail", "Nothing"], s)
        expect(rep["sigma"]["all"]["event_names"] == 6, rep["sigma"]["all"])
        expect((s["claimed"], s["claims"][0]["author"]) == (1, "A"), s)

        p, _ = run(vigil, tmp, os.path.join(tmp, "intents"), "--check-agreement")
        expect(p.returncode == 1 and "agreement 81.8% < 90%" in p.stdout, p.stdout)
        p, _ = run(vigil, tmp, os.path.join(tmp, "intents"), "--check")
        expect(p.returncode == 1 and "intent coverage 66.7% < 75%" in p.stdout, p.stdout)

        # A vigil whose --stats has no matches column: a silent threshold case
        # cannot be judged, an alerting one still can.
        old = os.path.join(tmp, "old-vigil")
        write(old, "#!/bin/sh\n"
              f"'{vigil}' \"$@\" 2>\"$0.err\"; rc=$?\n"
              "sed -E 's/^(  [^ ]+ +[0-9]+) +[0-9]+/\\1/; s/ matches / /' \"$0.err\" >&2\n"
              "exit $rc\n")
        os.chmod(old, 0o755)
        p, rep = run(old, tmp, os.path.join(tmp, "intents"))
        rows = {(r["intent"], r["test"]): r["verdict"] for r in rep["cases"]}
        expect(rows[("P.Count", "one of many")] == "agree", rows)
        expect(rows[("P.Count", "not a match")] == "stateful: not judged", rows)
        expect(rows[("P.Signal", "matched, no alert")] == "stateful: not judged", rows)
        expect(rep["totals"]["not_judged"]["stateful: not judged"] == 2, rep["totals"])

        # Bad claims: exit 2, each error with file:line; the report is still made.
        bad = os.path.join(tmp, "bad")
        write(os.path.join(bad, "b.tsv"), "panther\tP.Stop\tt.nosuch\n"
              "panther\tP.Unknown\tt.stop\nsigma P.Stop t.stop\n"
              "panther\tP.Gap\tt.stop\npanther\tP.Gap\t-\n")
        p, rep = run(vigil, tmp, bad)
        expect(p.returncode == 2, f"bad claims: exit {p.returncode}")
        errs = "\n".join(rep["errors"])
        for want in ("b.tsv:1: P.Stop is claimed by 't.nosuch'", "b.tsv:2: no panther rule",
                     "b.tsv:3: expected KIND<TAB>", "b.tsv:5: P.Gap is declined here"):
            expect(want in errs, f"missing error {want!r} in:\n{errs}")
        expect(len(rep["cases"]) == len(CASES), "the report is made despite bad claims")

        check_noise(vigil, tmp)
        check_pack_coverage(vigil, tmp)
        check_index_parsing()
    print("ok: run_peer.py judged every fixture case as expected; noise.py counted "
          "alerts per rule as expected")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
