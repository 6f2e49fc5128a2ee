"""The (eventSource, eventName) pairs the shipped rule pack indexes: every
contender counts the events that meet one of them, and all counts must
agree. '*' stands for any value."""
import os
import re
import subprocess


def from_vigil(vigil):
    """Pairs from `vigil lint --print-index`, or None when that command is
    not there (yet) or prints something else."""
    try:
        p = subprocess.run([vigil, "lint", "--print-index"], capture_output=True, text=True,
                           timeout=60)
    except OSError:
        return None
    if p.returncode != 0:
        return None
    pairs = set()
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        src, tab, name = line.partition("\t")
        if not tab or not src or not name:
            return None
        pairs.add((src, name))
    return sorted(pairs) or None


# FALLBACK, to remove once `vigil lint --print-index` exists on main (the
# lead is adding it): read each rule's `on = {...}` table as text. It knows
# only the literal forms the pack uses (a string or a list of strings for
# eventSource and eventName) and would miss a rule that builds `on` in code.
_ON = re.compile(r"\bon\s*=\s*\{")
_FIELD = r"\b{key}\s*=\s*(\{{[^}}]*\}}|\"[^\"]*\"|'[^']*')"


def _table(text, start):
    """The text of the table whose '{' is at start, braces balanced."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    raise ValueError("unbalanced braces")


def _strings(table, key):
    """The string values of key in a Lua table text: "x" or { "x", "y" }."""
    m = re.search(_FIELD.format(key=key), table)
    if not m:
        return []
    return [a or b for a, b in re.findall(r"\"([^\"]*)\"|'([^']*)'", m.group(1))]


def from_rule_files(rules_dir):
    pairs = set()
    for root, dirs, files in os.walk(rules_dir):
        dirs[:] = sorted(d for d in dirs if d != "lib")
        for name in sorted(files):
            if not name.endswith(".lua"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for m in _ON.finditer(text):
                on = _table(text, m.end() - 1)
                sources = _strings(on, "eventSource") or ["*"]
                names = _strings(on, "eventName") or ["*"]
                pairs.update((s, n) for s in sources for n in names)
    return sorted(pairs)


def load(vigil, rules_dir):
    """(pairs, how they were found)."""
    pairs = from_vigil(vigil)
    if pairs is not None:
        return pairs, "vigil lint --print-index"
    return from_rule_files(rules_dir), "fallback: on = {...} read from " + rules_dir


def write(pairs, path):
    with open(path, "w", encoding="utf-8") as f:
        for src, name in pairs:
            f.write(f"{src}\t{name}\n")


def jq_args(pairs):
    """--argjson values for the jq filter: names -> {source: true}, the
    sources indexed without a name, and whether every event is a candidate."""
    names, sources, anything = {}, {}, False
    for src, name in pairs:
        if src == "*" and name == "*":
            anything = True
        elif name == "*":
            sources[src] = True
        else:
            names.setdefault(name, {})[src] = True
    return names, sources, anything
