#!/usr/bin/env python3
"""Regenerates the generated parts of docs/coverage.md in place.

Each generated part sits between `<!-- gen:NAME -->` and `<!-- /gen:NAME -->`
and is replaced by what its command prints now: `pack` (pack_coverage.py),
`peer` (the totals of run_peer.py -q) and `noise` (noise.py --markdown over
../shared/data/cloudtrail). The prose around them is left alone: reread it
when the figures move. A part whose data is missing (no ../shared here) is
left as it was, with a note on stderr. Exit status: 0 done, 2 an error.

    python3 tests/peer/update_coverage_doc.py --vigil build/vigil
"""

import argparse
import datetime
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vigil", default=os.environ.get("VIGIL"),
                    help="the vigil binary (default: $VIGIL)")
    ap.add_argument("--rules", action="append", default=[],
                    help="rule folder (repeatable; default: the bundled pack)")
    ap.add_argument("--doc", default=os.path.join(REPO, "docs", "coverage.md"),
                    help="the page to update (default: docs/coverage.md)")
    return ap.parse_args()


def run(script, args, extra):
    cmd = [sys.executable, os.path.join(HERE, script), "--vigil", args.vigil]
    for r in args.rules:
        cmd += ["--rules", r]
    p = subprocess.run(cmd + extra, capture_output=True, text=True, timeout=900)
    return p.returncode, p.stdout, p.stderr


def peer_part(args):
    rc, out, err = run("run_peer.py", args, ["-q"])
    if rc == 77:
        return None
    if rc not in (0, 1):
        raise RuntimeError(f"run_peer.py exited {rc}: {err.strip()[:300]}")
    totals = out[out.index("Totals"):] if "Totals" in out else out
    head = out.splitlines()[0] if out else ""
    return f"```\n{head}\n\n{totals.rstrip()}\n```\n"


def simple_part(script, extra):
    def part(args):
        rc, out, err = run(script, args, extra)
        if rc == 77:
            return None
        if rc != 0:
            raise RuntimeError(f"{script} exited {rc}: {err.strip()[:300]}")
        return out
    return part


PARTS = {
    "pack": simple_part("pack_coverage.py", []),
    "peer": peer_part,
    "noise": simple_part("noise.py", ["--markdown"]),
}


def main():
    args = parse_args()
    if not args.vigil or not os.access(args.vigil, os.X_OK):
        print("error: give the vigil binary with --vigil or $VIGIL", file=sys.stderr)
        return 2
    with open(args.doc, encoding="utf-8") as f:
        text = f.read()
    stamp = datetime.date.today().isoformat()
    for name, make in PARTS.items():
        rx = re.compile(rf"(<!-- gen:{name} -->\n).*?(<!-- /gen:{name} -->)", re.S)
        if not rx.search(text):
            print(f"error: {args.doc} has no gen:{name} markers", file=sys.stderr)
            return 2
        try:
            body = make(args)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"error: {name}: {e}", file=sys.stderr)
            return 2
        if body is None:
            print(f"note: {name}: data not on this machine, left as it was", file=sys.stderr)
            continue
        if not body.startswith("<!--"):
            body = f"<!-- {stamp}, regenerate with tests/peer/update_coverage_doc.py -->\n" + body
        text = rx.sub(lambda m: m.group(1) + body + m.group(2), text)
    with open(args.doc, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
