#!/usr/bin/env python3
"""Alerts per rule on real CloudTrail logs: which rules are loud, and on whom.

Scans the given logs (default ../shared/data/cloudtrail, the public captures
described in its README) with the pack and prints, per rule that alerted: the
alerts, the events that met its condition (matches, from --stats: more than
the alerts when deduplication folded a burst), distinct actors, the datasets
(first folder under each scanned path) and the loudest actor. Sorted by alerts, loudest
first. A rule near the top that fires on routine work (deployments,
infrastructure-as-code, AWS services) is the one to review. Exit status: 0
done, 2 vigil failed or bad arguments, 77 the logs are not on this machine.
Decode errors in the logs (one malformed file is known) are listed, not fatal.
"""

import argparse
import collections
import datetime
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)

from vigil_cli import Outcome, _read_stats  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_LOGS = os.path.join(REPO, "..", "shared", "data", "cloudtrail")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help=f"logs to scan (default: {DEFAULT_LOGS})")
    ap.add_argument("--vigil", default=os.environ.get("VIGIL"),
                    help="the vigil binary (default: $VIGIL)")
    ap.add_argument("--rules", action="append", default=[],
                    help="rule folder (repeatable; default: the bundled pack)")
    ap.add_argument("--markdown", action="store_true",
                    help="print the table as Markdown (for docs/coverage.md)")
    ap.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    return ap.parse_args()


def dataset_of(stream, roots):
    """The first folder of an alert's file under the scanned path it came
    from ("invictus-ir_aws_dataset"), or the file's own name."""
    for root in roots:
        rel = os.path.relpath(stream.split("!", 1)[0], root)
        if not rel.startswith(".."):
            first = rel.split(os.sep, 1)[0]
            return first if first != "." else os.path.basename(root)
    return os.path.basename(stream.split("!", 1)[0])


def scan(vigil, rules, paths):
    """(alerts, per-rule stats, summary line, error lines, exit status) of one
    vigil scan."""
    cmd = [vigil, "scan", "-f", "json", "--stats", "--color", "never"]
    for r in rules:
        cmd += ["--rules", r]
    p = subprocess.run(cmd + paths, capture_output=True, text=True, timeout=600)
    alerts = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    err = p.stderr.splitlines()
    summary = next((l for l in err if l.startswith("records ")), "")
    errors = [l for l in err if " error: " in l or l.startswith("vigil: error")]
    stats = Outcome()
    _read_stats(p.stderr, stats)
    return alerts, stats, summary, errors, p.returncode


def per_rule(alerts, stats, roots):
    rows = collections.OrderedDict()
    for a in alerts:
        r = rows.setdefault(a["rule_id"], {
            "rule": a["rule_id"], "severity": a.get("severity"), "alerts": 0,
            "actors": collections.Counter(), "event_names": set(),
            "datasets": collections.Counter()})
        r["alerts"] += 1
        r["actors"][a.get("actor") or "?"] += 1
        r["event_names"].add(a.get("event_name") or "?")
        origin = a.get("origin") or {}
        r["datasets"][dataset_of(origin.get("stream") or "?", roots)] += 1
    out = []
    for r in rows.values():
        # ties broken by name: alerts arrive in worker order, which varies
        top, n = min(r["actors"].items(), key=lambda kv: (-kv[1], kv[0]))
        out.append({
            "rule": r["rule"], "severity": r["severity"], "alerts": r["alerts"],
            "matches": (stats.matches or {}).get(r["rule"]), "actors": len(r["actors"]),
            "event_names": sorted(r["event_names"]),
            "datasets": dict(sorted(r["datasets"].items(), key=lambda kv: (-kv[1], kv[0]))),
            "top_actor": top, "top_actor_alerts": n,
        })
    out.sort(key=lambda r: (-r["alerts"], r["rule"]))
    return out


def short_actor(arn):
    """The last two parts of an ARN ("assumed-role/deployer/i-0abc"), enough
    to recognise a principal in a table cell."""
    tail = arn.split(":", 5)[-1]
    parts = tail.split("/")
    return "/".join(parts[-2:]) if len(parts) > 2 else tail


def fmt(n):
    return "?" if n is None else str(n)


def print_text(rep):
    w = sys.stdout.write
    w(f"Alerts per rule: {rep['when']}, vigil {rep['commit']}\n"
      f"scanned: {', '.join(rep['paths'])}\n{rep['summary']}\n\n")
    w(f"{'rule':<46} {'sev':<8} {'alerts':>6} {'matches':>7} {'actors':>6}  "
      "datasets; loudest actor\n")
    for r in rep["rules"]:
        ds = ", ".join(f"{d} {n}" for d, n in r["datasets"].items())
        w(f"{r['rule']:<46} {r['severity'] or '?':<8} {r['alerts']:>6} {fmt(r['matches']):>7} "
          f"{r['actors']:>6}  {ds}; {short_actor(r['top_actor'])} "
          f"({r['top_actor_alerts']})\n")
    w(f"\n{rep['total_alerts']} alerts from {len(rep['rules'])} rules\n")
    for e in rep["errors"]:
        w(f"input error (not a rule problem): {e}\n")


def print_markdown(rep):
    w = sys.stdout.write
    w("| rule | severity | alerts | matches | actors | datasets | loudest actor |\n"
      "|---|---|---:|---:|---:|---|---|\n")
    for r in rep["rules"]:
        ds = ", ".join(f"{d.split('_')[0]} {n}" for d, n in r["datasets"].items())
        w(f"| `{r['rule']}` | {r['severity']} | {r['alerts']} | {fmt(r['matches'])} | "
          f"{r['actors']} | {ds} | `{short_actor(r['top_actor'])}` "
          f"({r['top_actor_alerts']}) |\n")
    # the scan's duration is left out: it would change the page on every run
    summary = re.sub(r", [0-9.]+ s$", "", rep["summary"])
    w(f"\n{rep['total_alerts']} alerts from {len(rep['rules'])} rules; {summary}\n")


def git_commit():
    p = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    return p.stdout.strip() or "unknown"


def main():
    args = parse_args()
    paths = args.paths or [DEFAULT_LOGS]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"SKIP: no logs at {', '.join(missing)} (../shared/data/cloudtrail is not "
              "on this machine)")
        return 77
    if not args.vigil or not os.access(args.vigil, os.X_OK):
        print("error: give the vigil binary with --vigil or $VIGIL", file=sys.stderr)
        return 2
    alerts, stats, summary, errors, rc = scan(args.vigil, args.rules, paths)
    if rc not in (0, 1, 2) or (rc == 2 and not summary):
        print(f"error: vigil scan exited {rc}: " + "; ".join(errors[:3]), file=sys.stderr)
        return 2
    rep = {
        "when": datetime.date.today().isoformat(), "commit": git_commit(),
        "paths": [os.path.relpath(p, REPO) for p in paths], "summary": summary,
        "rules": per_rule(alerts, stats, paths), "total_alerts": len(alerts), "errors": errors,
    }
    (print_markdown if args.markdown else print_text)(rep)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rep, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
