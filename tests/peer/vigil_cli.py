"""What the peer report asks of the vigil binary: scan one event, list the
rules, read the rule index."""

import json
import re
import subprocess


class Outcome:
    """What one `vigil scan` of one event gave."""

    def __init__(self):
        self.alerts = set()   # rule ids that raised an alert
        self.matches = None   # rule id -> per-event matches; None when scan has no such column
        self.errors = {}      # rule id -> runtime errors
        self.evaluated = {}   # rule id -> times its condition ran
        self.failed = None    # why the scan failed as a whole, or None


class Vigil:
    def __init__(self, binary, rules):
        self.binary = binary
        self.rules_dirs = list(rules)
        self.rule_args = [a for r in rules for a in ("--rules", r)]

    def _run(self, args, stdin=None):
        return subprocess.run([self.binary] + args, input=stdin, capture_output=True,
                              text=True, timeout=120)

    def scan(self, event):
        """Scans one event on its own: a fresh process, so no state is shared
        with any other case."""
        out = Outcome()
        p = self._run(["scan", "-w", "1", "-f", "json", "--stats", "--color", "never"]
                      + self.rule_args + ["-"], json.dumps(event))
        for line in p.stdout.splitlines():
            if line.strip():
                out.alerts.add(json.loads(line)["rule_id"])
        _read_stats(p.stderr, out)
        if p.returncode not in (0, 1):
            errs = [l for l in p.stderr.splitlines() if "error" in l]
            out.failed = f"vigil scan exited {p.returncode}: " + (errs[0] if errs else
                                                                  p.stderr.strip()[:200])
        return out

    def rules(self):
        """Every loaded rule as `vigil explain --list --json` gives it."""
        p = self._run(["explain", "--list", "--json"] + self.rule_args)
        if p.returncode != 0:
            raise RuntimeError("vigil explain --list failed: " + p.stderr.strip()[:500])
        return json.loads(p.stdout)

    def index(self, rules):
        """(source, [(eventSource, eventName)]) of the rule index. '*' is any.
        Prefers `vigil lint --print-index`; without it, the eventSource and
        eventName each enabled rule declares in `on`, which is what the index is
        built from (rules with no eventName are left out: they index no name)."""
        p = self._run(["lint", "--print-index"] + self.rules_dirs)
        if p.returncode == 0:
            return "vigil lint --print-index", parse_index(p.stdout)
        pairs = []
        for r in (r for r in rules if r.get("enabled", True)):
            for name in r["on"]["eventName"]:
                for src in r["on"]["eventSource"] or ["*"]:
                    pairs.append((src, name))
        return ("FALLBACK: the `on` of each rule from vigil explain --list --json "
                "(vigil lint --print-index is not available)", pairs)


def parse_index(text):
    """[(eventSource, eventName)] from `vigil lint --print-index` output: one
    line per index entry, tab-separated, eventSource and eventName first;
    later columns (other `on` keys such as errorCode, where the binary prints
    them) do not change which names are indexed, so they are dropped and the
    pairs deduplicated. A name ending in '*' is a prefix."""
    pairs = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            pair = (parts[0] or "*", parts[1] or "*")
            if pair not in pairs:
                pairs.append(pair)
    return pairs


_HEADER = re.compile(r"^\s+rule\s+evaluated\b")


def _read_stats(stderr, out):
    """Reads the per-rule table of --stats: a header line naming the columns,
    then one line per rule. Columns are found by name, so added ones do not
    matter."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if not _HEADER.match(line):
            continue
        cols = line.split()[1:]
        if "matches" in cols:
            out.matches = {}
        for row in lines[i + 1:]:
            parts = row.split()
            if len(parts) != len(cols) + 1 or not row.startswith("  "):
                break
            vals = dict(zip(cols, parts[1:]))
            rid = parts[0]
            out.evaluated[rid] = int(vals.get("evaluated", 0))
            out.errors[rid] = int(vals.get("errors", 0))
            if out.matches is not None:
                out.matches[rid] = int(vals["matches"])
        return
