#!/usr/bin/env python3
"""What the rule pack covers, as Markdown tables for docs/coverage.md.

Prints (1) rules per service folder and ATT&CK tactic, from the tags each
loaded rule carries (`vigil explain --list --json`); (2) the peer intents the
team declined, with the reason written in tests/peer/intents/*.tsv; (3) the
Panther intents no claim covers yet, when ../shared/data/peer-cases is here.
The figures change as rules are added: the output names its date and commit.
Exit status: 0 done, 2 vigil failed or the claims have errors.
"""

import argparse
import collections
import datetime
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)

import intents  # noqa: E402
from vigil_cli import Vigil  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))

# ATT&CK enterprise tactics in the matrix's order, as the pack's tags spell them.
TACTICS = ["initial_access", "execution", "persistence", "privilege_escalation",
           "defense_evasion", "credential_access", "discovery", "lateral_movement",
           "collection", "exfiltration", "command_and_control", "impact",
           "resource_development", "reconnaissance"]
SHORT = {"initial_access": "init", "execution": "exec", "persistence": "pers",
         "privilege_escalation": "priv", "defense_evasion": "evas",
         "credential_access": "cred", "discovery": "disc", "lateral_movement": "lat",
         "collection": "coll", "exfiltration": "exfil", "command_and_control": "c2",
         "impact": "imp", "resource_development": "res", "reconnaissance": "recon"}
SEVERITIES = ["critical", "high", "medium", "low", "info"]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vigil", default=os.environ.get("VIGIL"),
                    help="the vigil binary (default: $VIGIL)")
    ap.add_argument("--rules", action="append", default=[],
                    help="rule folder (repeatable; default: the bundled pack)")
    ap.add_argument("--intents", default=os.path.join(HERE, "intents"),
                    help="folder of *.tsv claims (default: tests/peer/intents)")
    ap.add_argument("--cases", default=os.path.join(REPO, "..", "shared", "data", "peer-cases"),
                    help="folder of the peer cases (default: ../shared/data/peer-cases)")
    return ap.parse_args()


def service_of(rule_id):
    parts = rule_id.split(".")
    return parts[1] if len(parts) > 2 else parts[0]


def tactics_of(rule):
    tags = {t[len("attack."):] for t in rule.get("tags", []) if t.startswith("attack.")}
    return [t for t in TACTICS if t in tags]


def service_table(rules):
    """Markdown: one row per service folder, rule counts per tactic and
    severity. A rule with two tactics counts under both."""
    rows = collections.OrderedDict()
    used = set()
    for r in sorted(rules, key=lambda r: r["id"]):
        if not r.get("enabled", True):
            continue
        row = rows.setdefault(service_of(r["id"]), {"rules": 0, "tactics": collections.Counter(),
                                                    "sev": collections.Counter()})
        row["rules"] += 1
        row["sev"][r["severity"]] += 1
        ts = tactics_of(r) or ["none"]
        row["tactics"].update(ts)
        used.update(ts)
    cols = [t for t in TACTICS if t in used] + (["none"] if "none" in used else [])
    out = ["| service | rules | " + " | ".join(SHORT.get(c, c) for c in cols)
           + " | crit/high/med/low/info |",
           "|---|---:|" + "---:|" * len(cols) + "---|"]
    total = {"rules": 0, "tactics": collections.Counter(), "sev": collections.Counter()}
    for name, row in rows.items():
        out.append(f"| {name} | {row['rules']} | "
                   + " | ".join(str(row["tactics"][c] or "") for c in cols)
                   + " | " + "/".join(str(row["sev"][s]) for s in SEVERITIES) + " |")
        total["rules"] += row["rules"]
        total["tactics"].update(row["tactics"])
        total["sev"].update(row["sev"])
    out.append(f"| **all** | **{total['rules']}** | "
               + " | ".join(f"**{total['tactics'][c]}**" for c in cols)
               + " | " + "/".join(str(total["sev"][s]) for s in SEVERITIES) + " |")
    legend = ", ".join(f"{SHORT.get(c, c)} = {c.replace('_', ' ')}" for c in cols)
    return "\n".join(out) + f"\n\nColumns: {legend}. A rule tagged with two tactics " \
        "counts in both.\n"


def declined_table(claims, titles):
    out = ["| source | peer rule | why we decline |", "|---|---|---|"]
    for (kind, pid), why in sorted(claims.declined.items()):
        name = titles.get((kind, pid), pid)
        out.append(f"| {kind} | {name} | {why or 'no reason given'} |")
    return "\n".join(out) + "\n"


def uncovered(claims, panther, sigma):
    """Markdown list of peer rules neither claimed nor declined."""
    seen, out = set(), []
    for c in panther:
        key = ("panther", c["rule_id"])
        if key in seen or key in claims.rules or key in claims.declined:
            continue
        seen.add(key)
        out.append(f"- panther `{c['rule_id']}`: {c['title']}")
    for s in sigma:
        key = ("sigma", s["id"])
        if s.get("folder") != "rules" or key in claims.rules or key in claims.declined:
            continue
        out.append(f"- sigma `{s['id']}`: {s['title']} ({s['author']})")
    return "\n".join(out) + "\n" if out else "(none)\n"


def read_jsonl(path):
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    args = parse_args()
    if not args.vigil or not os.access(args.vigil, os.X_OK):
        print("error: give the vigil binary with --vigil or $VIGIL", file=sys.stderr)
        return 2
    try:
        rules = Vigil(args.vigil, args.rules).rules()
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    claims = intents.load(args.intents)
    panther = read_jsonl(os.path.join(args.cases, "panther-cloudtrail.jsonl"))
    sigma = read_jsonl(os.path.join(args.cases, "sigma-cloudtrail-rules.jsonl"))
    titles = {}
    for c in panther or []:
        titles[("panther", c["rule_id"])] = f"`{c['rule_id']}` ({c['title']})"
    for s in sigma or []:
        titles[("sigma", s["id"])] = f"{s['title']} (`{s['id'][:8]}`, {s['author']})"
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    w = sys.stdout.write
    w(f"<!-- generated {datetime.date.today().isoformat()} at {commit} by "
      "tests/peer/pack_coverage.py -->\n\n")
    w("### Rules by service and ATT&CK tactic\n\n" + service_table(rules))
    w("\n### Declined peer intents\n\n" + declined_table(claims, titles))
    if panther is not None and sigma is not None:
        w("\n### Peer rules not claimed yet\n\n" + uncovered(claims, panther, sigma))
    else:
        w("\n(../shared/data/peer-cases is not here: the list of unclaimed peer rules is "
          "skipped)\n")
    if claims.errors:
        for e in claims.errors:
            print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
