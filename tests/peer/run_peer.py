#!/usr/bin/env python3
"""The peer-case report: vigil's CloudTrail pack against public test cases.

Runs every Panther test case's event through the pack on its own, judges it
by the intent claims in tests/peer/intents/, and reports agreement, intent
coverage and coverage of the eventNames Sigma's rules name. What each figure
means: docs/coverage.md. Exit status: 0 done (and targets met, when checked),
1 a checked target was missed, 2 bad input (claims, cases, binary), 77 the
peer cases are not on this machine.
"""

import argparse
import collections
import concurrent.futures
import fnmatch
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)

import intents  # noqa: E402
import judge  # noqa: E402
from vigil_cli import Vigil  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
AGREEMENT_TARGET = 90.0
INTENT_TARGET = 75.0


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vigil", default=os.environ.get("VIGIL"),
                    help="the vigil binary (default: $VIGIL)")
    ap.add_argument("--rules", action="append", default=[],
                    help="rule folder (repeatable; default: the bundled pack)")
    ap.add_argument("--cases", default=os.path.join(REPO, "..", "shared", "data", "peer-cases"),
                    help="folder of the peer cases (default: ../shared/data/peer-cases)")
    ap.add_argument("--intents", default=os.path.join(HERE, "intents"),
                    help="folder of *.tsv claims (default: tests/peer/intents)")
    ap.add_argument("--json", metavar="FILE", help="also write the whole report as JSON")
    ap.add_argument("--check", action="store_true",
                    help=f"exit 1 unless >= {AGREEMENT_TARGET:g}%% of judged cases agree and "
                         f">= {INTENT_TARGET:g}%% of intents are covered")
    ap.add_argument("--check-agreement", action="store_true",
                    help="exit 1 unless the agreement target is met (coverage not checked)")
    ap.add_argument("-j", "--jobs", type=int, default=2,
                    help="scans run at once (default 2; each is its own process)")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="print the totals only, not every case")
    return ap.parse_args()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def git_commit(rules=()):
    """The checkout's commit, saying when its rules or claims have changes
    not committed, or when the rules scanned are not the checkout's."""
    outside = [r for r in rules if not os.path.realpath(r).startswith(REPO + os.sep)]
    if outside:
        return git_commit() + ", rules from " + ", ".join(outside)
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--",
                                "lua-rules", "tests/peer/intents"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted rule or claim changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def pct(n, d):
    return 100.0 * n / d if d else None


def fmt_pct(n, d):
    p = pct(n, d)
    return f"{n}/{d} = {p:.1f}%" if p is not None else f"{n}/{d} (none)"


# ---- judging the Panther cases ----

def scan_case(c, vigil):
    """(outcome, notes) of one case: its event scanned on its own."""
    event, notes = judge.prepare(c)
    outcome = vigil.scan(event) if event is not None else None
    if "lowercase keys recased" in notes and outcome is not None:
        as_written = vigil.scan(c["event"])
        notes.append("as written: " + (",".join(sorted(as_written.alerts)) or "no alert"))
    return outcome, notes


def judge_cases(cases, claims, vigil, jobs):
    rows = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        scanned = list(pool.map(lambda c: scan_case(c, vigil), cases))
    for c, (outcome, notes) in zip(cases, scanned):
        claimed = claims.covered("panther", c["rule_id"])
        verdict, ours = judge.verdict(c, claimed, outcome)
        if not claimed and ("panther", c["rule_id"]) in claims.declined:
            verdict = judge.DECLINED
        others = sorted(outcome.alerts - set(claimed)) if outcome else []
        flags = []
        if c["threshold"] > 1:
            flags.append(f"threshold {c['threshold']}")
        if not c["create_alert"]:
            flags.append("signal only")
        if not c["rule_enabled"]:
            flags.append("disabled in Panther")
        rows.append({
            "intent": c["rule_id"], "test": c["test_name"], "expected": c["expected"],
            "claimed": claimed, "ours": ours, "verdict": verdict,
            "other_alerts": others, "notes": notes + flags,
            "noise": bool(others) and not c["expected"],
        })
    return rows


def summarize_intents(cases, rows, claims):
    by = collections.OrderedDict()
    for c, r in zip(cases, rows):
        by.setdefault(c["rule_id"], []).append(r)
    out = []
    for rid, rs in by.items():
        counts = collections.Counter(r["verdict"] for r in rs)
        enrichment_only = all(judge.special_class(c) == judge.ENRICHMENT
                              for c in cases if c["rule_id"] == rid)
        out.append({
            "intent": rid, "title": next(c["title"] for c in cases if c["rule_id"] == rid),
            "claimed": claims.covered("panther", rid),
            "declined": claims.declined.get(("panther", rid)),
            "cases": len(rs), "verdicts": dict(counts), "enrichment_only": enrichment_only,
        })
    return out


# ---- Sigma: eventNames and claims ----

def name_indexed(pattern, sources, pairs):
    """Is a Sigma eventName value (exact, glob or re:) in the index, for one
    of the rule's eventSources (any when it names none)? Sigma compares
    case-insensitively, so this does too. An indexed name ending in '*' is a
    prefix key (List*), which answers every Sigma name starting with it."""
    if pattern.startswith("re:"):
        rx = re.compile(pattern[3:], re.I)
        hit = lambda n: rx.fullmatch(n) is not None  # noqa: E731
    else:
        hit = lambda n: fnmatch.fnmatchcase(n.lower(), pattern.lower())  # noqa: E731
    def prefix_hit(prefix):
        # our name is a prefix (List*): a Sigma name or glob starting with it
        return not pattern.startswith("re:") and pattern.lower().startswith(prefix.lower())

    return any((prefix_hit(name[:-1]) if name.endswith("*") else hit(name))
               and (not sources or src == "*" or src in sources)
               for src, name in pairs if name != "*")


def sigma_report(sigma, claims, pairs):
    def names_of(rules):
        seen = collections.OrderedDict()
        for s in rules:
            for n in s["event_names"]:
                seen.setdefault(n, set()).update(s["event_sources"])
        return seen

    out = {}
    for label, rules in (("rules", [s for s in sigma if s["folder"] == "rules"]),
                         ("all", sigma)):
        names = names_of(rules)
        covered = [n for n, src in names.items() if name_indexed(n, src, pairs)]
        claimed = [s for s in rules if claims.covered("sigma", s["id"])]
        declined = [s for s in rules if ("sigma", s["id"]) in claims.declined]
        out[label] = {
            "rules": len(rules), "event_names": len(names), "indexed": len(covered),
            "not_indexed": sorted(set(names) - set(covered)),
            "claimed": len(claimed), "declined": len(declined),
            "claims": [{"id": s["id"], "title": s["title"], "author": s["author"],
                        "vigil": claims.covered("sigma", s["id"])} for s in claimed],
        }
    return out


# ---- totals and printing ----

def totals(cases, rows, intents_, sigma):
    v = collections.Counter(r["verdict"] for r in rows)
    judged = sum(v[x] for x in judge.JUDGED)
    n_int = len(intents_)
    covered = [i for i in intents_ if i["claimed"]]
    enr = [i for i in intents_ if i["enrichment_only"]]
    covered_ne = [i for i in covered if not i["enrichment_only"]]

    def judged_with(flag):
        sel = [r for r in rows if r["verdict"] in judge.JUDGED
               and any(n.startswith(flag) for n in r["notes"])]
        return {"judged": len(sel), "agree": sum(r["verdict"] == judge.AGREE for r in sel)}

    classes = collections.Counter(judge.special_class(c) for c in cases)
    return {
        "cases": len(cases),
        "classes_all_cases": {
            judge.ENRICHMENT: classes[judge.ENRICHMENT], judge.CONTEXT: classes[judge.CONTEXT],
            "threshold > 1": sum(c["threshold"] > 1 for c in cases),
            "lowercase keys": sum("lowercase_field_names" in c["log_quirks"] for c in cases),
            "eventTime supplied": sum("eventTime supplied" in r["notes"] for r in rows),
        },
        "expected_true": sum(c["expected"] for c in cases),
        "covered_cases": sum(bool(r["claimed"]) for r in rows),
        "judged": judged, "agree": v[judge.AGREE], "disagree": v[judge.DISAGREE],
        "error": v[judge.ERROR], "agreement_pct": pct(v[judge.AGREE], judged),
        "not_judged": {k: v[k] for k in (judge.ENRICHMENT, judge.CONTEXT, judge.STATEFUL)},
        "judged_threshold": judged_with("threshold"),
        "judged_recased": judged_with("lowercase keys recased"),
        "judged_signal_only": judged_with("signal only"),
        "intents": n_int, "intents_covered": len(covered),
        "intents_pct": pct(len(covered), n_int),
        "enrichment_only_intents": [i["intent"] for i in enr],
        "intents_covered_excl_enrichment": len(covered_ne),
        "intents_excl_enrichment": n_int - len(enr),
        "intents_excl_enrichment_pct": pct(len(covered_ne), n_int - len(enr)),
        "intents_declined": sum(1 for i in intents_ if i["declined"] is not None),
        "noise_cases": sum(r["noise"] for r in rows),
        "sigma_names_indexed": sigma["rules"]["indexed"],
        "sigma_names": sigma["rules"]["event_names"],
        "sigma_rules_claimed": sigma["rules"]["claimed"], "sigma_rules": sigma["rules"]["rules"],
    }


def print_report(rep, quiet):
    t, w = rep["totals"], sys.stdout.write
    w(f"Peer-case report: vigil {rep['commit']}, {rep['panther_source']}\n"
      f"claims: {rep['claims_files'] or 'none'}\n")
    if not quiet:
        w("\nCases (verdict, expected, Panther rule / test -> what the claimed rules did)\n")
        for i in rep["intents"]:
            head = ("claimed by " + ", ".join(i["claimed"]) if i["claimed"] else
                    "declined: " + (i["declined"] or "no reason given")
                    if i["declined"] is not None else "not covered")
            w(f"{i['intent']}  [{head}]\n")
            for r in (r for r in rep["cases"] if r["intent"] == i["intent"]):
                extra = "; ".join(r["notes"] + (["other alerts: " + ",".join(r["other_alerts"])]
                                                if r["other_alerts"] else []))
                w(f"  {r['verdict']:<21} {str(r['expected']).lower():<5} {r['test']}"
                  f"  -> {r['ours']}{'  [' + extra + ']' if extra else ''}\n")
        w("\nIntents (Panther rule: cases, verdicts)\n")
        for i in rep["intents"]:
            vs = ", ".join(f"{n} {k}" for k, n in sorted(i["verdicts"].items()))
            w(f"  {i['intent']:<52} {i['cases']:>2}  {vs}\n")
        noise = [r for r in rep["cases"] if r["noise"]]
        if noise:
            w("\nPossible noise (expected-false events on which other rules alerted)\n")
            for r in noise:
                w(f"  {r['intent']} / {r['test']}: {', '.join(r['other_alerts'])}\n")
        s = rep["sigma"]["rules"]
        if s["not_indexed"]:
            w("\nSigma rules/ eventNames no vigil rule indexes\n  "
              + ", ".join(s["not_indexed"]) + "\n")
        if s["claims"]:
            w("\nSigma rules claimed (rule, author, vigil rules)\n")
            for c in s["claims"]:
                w(f"  {c['title']} ({c['author']}): {', '.join(c['vigil'])}\n")
    nj = t["not_judged"]
    w("\nTotals\n"
      f"  cases                 {t['cases']} ({t['expected_true']} expected true), "
      f"{t['covered_cases']} covered by a claim\n"
      f"  agreement             {fmt_pct(t['agree'], t['judged'])} of judged covered cases "
      f"(target {AGREEMENT_TARGET:g}%); {t['disagree']} disagree, {t['error']} error\n"
      f"    judged on per-event match (threshold > 1): {t['judged_threshold']['agree']}/"
      f"{t['judged_threshold']['judged']} agree; lowercase keys recased: "
      f"{t['judged_recased']['agree']}/{t['judged_recased']['judged']}; signal-only rules: "
      f"{t['judged_signal_only']['agree']}/{t['judged_signal_only']['judged']}\n"
      f"  special classes       over all cases: "
      + ", ".join(f"{k} {n}" for k, n in t["classes_all_cases"].items()) + "\n"
      f"  not judged            {nj[judge.ENRICHMENT]} needs enrichment, {nj[judge.CONTEXT]} "
      f"context required, {nj[judge.STATEFUL]} stateful (no per-event match count)\n"
      f"  intents covered       {fmt_pct(t['intents_covered'], t['intents'])} "
      f"(target {INTENT_TARGET:g}%); {t['intents_declined']} declined\n"
      f"    excluding {len(t['enrichment_only_intents'])} enrichment-only intents: "
      f"{fmt_pct(t['intents_covered_excl_enrichment'], t['intents_excl_enrichment'])}\n"
      f"  possible noise        {t['noise_cases']} expected-false cases with alerts from "
      f"unclaimed rules\n"
      f"  Sigma eventNames      {fmt_pct(t['sigma_names_indexed'], t['sigma_names'])} named by "
      f"rules/ rules are indexed (all folders: {rep['sigma']['all']['indexed']}/"
      f"{rep['sigma']['all']['event_names']})\n"
      f"    index read from: {rep['index_source']}\n"
      f"  Sigma rules claimed   {t['sigma_rules_claimed']}/{t['sigma_rules']} of rules/ "
      f"({rep['sigma']['rules']['declined']} declined)\n")
    for e in rep["errors"]:
        w(f"error: {e}\n")


def check(rep, args):
    t, missed = rep["totals"], []
    if (args.check or args.check_agreement) and t["judged"] and \
            t["agreement_pct"] < AGREEMENT_TARGET:
        missed.append(f"agreement {t['agreement_pct']:.1f}% < {AGREEMENT_TARGET:g}%")
    if args.check and (t["intents_pct"] or 0) < INTENT_TARGET:
        missed.append(f"intent coverage {t['intents_pct'] or 0:.1f}% < {INTENT_TARGET:g}%")
    if (args.check or args.check_agreement) and not t["judged"]:
        print("note: no covered case could be judged yet; the agreement target is vacuous")
    for m in missed:
        print(f"target missed: {m}")
    return missed


def main():
    args = parse_args()
    panther_path = os.path.join(args.cases, "panther-cloudtrail.jsonl")
    sigma_path = os.path.join(args.cases, "sigma-cloudtrail-rules.jsonl")
    if not os.path.isfile(panther_path) or not os.path.isfile(sigma_path):
        print(f"SKIP: the peer cases are not at {args.cases} "
              "(../shared/data/peer-cases is not on this machine)")
        return 77
    if not args.vigil or not os.access(args.vigil, os.X_OK):
        print("error: give the vigil binary with --vigil or $VIGIL", file=sys.stderr)
        return 2
    cases, sigma = read_jsonl(panther_path), read_jsonl(sigma_path)
    vigil = Vigil(args.vigil, args.rules)
    try:
        rules = vigil.rules()
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    claims = intents.load(args.intents)
    intents.validate(claims, {c["rule_id"] for c in cases}, {s["id"] for s in sigma},
                     {r["id"] for r in rules})
    index_source, pairs = vigil.index(rules)
    rows = judge_cases(cases, claims, vigil, max(1, args.jobs))
    intents_ = summarize_intents(cases, rows, claims)
    sig = sigma_report(sigma, claims, pairs)
    c0 = cases[0]
    rep = {
        "commit": git_commit(args.rules),
        "panther_source": f"{len(cases)} Panther cases from {c0['repo']}@{c0['commit'][:12]}",
        "claims_files": [os.path.relpath(f, REPO) for f in claims.files()],
        "index_source": index_source, "cases": rows, "intents": intents_, "sigma": sig,
        "errors": claims.errors,
    }
    rep["totals"] = totals(cases, rows, intents_, sig)
    print_report(rep, args.quiet)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rep, f, indent=1)
    missed = check(rep, args)
    if claims.errors:
        return 2
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
