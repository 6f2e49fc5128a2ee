"""The filter rows the shipped rule pack is indexed on: every contender
counts the events that meet one of them, and all counts must agree.

A row is (eventSource, eventName, errorCode, userIdentity.type, eventType)
as `vigil lint --print-filters` prints them: '*' stands for any value, a
value ending in '*' for a prefix; errorCode '+' means any failed call and
'-' a call that succeeded (a call failed when errorCode is a non-empty
string). An event meets a row when it meets every column."""
import os
import re
import subprocess

COLUMNS = 5


def _run(vigil, flag):
    try:
        p = subprocess.run([vigil, "lint", flag], capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return p.stdout if p.returncode == 0 else None


def from_vigil(vigil):
    """Rows from `vigil lint --print-filters`, else from the older
    `--print-index` (eventSource and eventName only), else None."""
    for flag, ncol in (("--print-filters", COLUMNS), ("--print-index", 2)):
        out = _run(vigil, flag)
        if out is None:
            continue
        rows = set()
        for line in out.splitlines():
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != ncol or not all(cols):
                rows = None
                break
            rows.add(tuple(cols + ["*"] * (COLUMNS - ncol)))
        if rows:
            return sorted(rows), f"vigil lint {flag}"
    return None


# FALLBACK for a vigil without `lint --print-index`: read each rule's
# `on = {...}` table as text. It knows only the literal forms of eventSource
# and eventName (a string or a list of strings) and would miss a rule that
# builds `on` in code or filters on the other keys.
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
    rows = set()
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
                rows.update((s, n, "*", "*", "*") for s in sources for n in names)
    return sorted(rows)


def load(vigil, rules_dir):
    """(rows, how they were found)."""
    got = from_vigil(vigil)
    if got is not None:
        return got
    return from_rule_files(rules_dir), "fallback: on = {...} read from " + rules_dir


def write(rows, path):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")


def _exact(v):
    return v != "*" and not v.endswith("*") and v not in ("+", "-")


def group(rows):
    """Rows filed as vigil's index files rules: by exact eventName, by
    eventSource when the name is '*', by exact errorCode or identity type
    when that is all the row asks, and the rest (prefix names, ...) in a
    list. Returns (names, sources, errors, types, rest)."""
    names, sources, errors, types, rest = {}, {}, {}, {}, []
    for row in rows:
        src, name, err, utype = row[0], row[1], row[2], row[3]
        if _exact(name):
            names.setdefault(name, []).append(list(row))
        elif name == "*" and src != "*":
            sources.setdefault(src, []).append(list(row))
        elif name == "*" and _exact(err):
            errors.setdefault(err, []).append(list(row))
        elif name == "*" and err == "*" and _exact(utype):
            types.setdefault(utype, []).append(list(row))
        else:
            rest.append(list(row))
    return names, sources, errors, types, rest


def _hit(pat, value):
    if pat == "*":
        return True
    if value is None:
        return False
    if len(pat) > 1 and pat.endswith("*"):
        return value.startswith(pat[:-1])
    return value == pat


def row_matches(row, src, name, err, utype, etype):
    """The reference test of one row (Python contender, manifest count):
    values are strings or None; err is None when the call succeeded."""
    s, n, e, t, y = row
    if e == "+" and err is None or e == "-" and err is not None:
        return False
    if e not in ("+", "-") and not _hit(e, err):
        return False
    return _hit(s, src) and _hit(n, name) and _hit(t, utype) and _hit(y, etype)


def _checks(row, key):
    """A row as jq tests it: [column, "=" | "^" | "+" | "-", value] for each
    column that constrains (the column it was filed under needs no test)."""
    out = []
    for i, pat in enumerate(row):
        if pat == "*" or i == key:
            continue
        if i == 2 and pat in ("+", "-"):
            out.append([i, pat, ""])
        elif len(pat) > 1 and pat.endswith("*"):
            out.append([i, "^", pat[:-1]])
        else:
            out.append([i, "=", pat])
    return out


def jq_groups(rows):
    """group() with each row as its list of checks, for the jq contender."""
    names, sources, errors, types, rest = group(rows)
    conv = [({k: [_checks(r, col) for r in v] for k, v in m.items()})
            for m, col in ((names, 1), (sources, 0), (errors, 2), (types, 3))]
    return conv + [[_checks(r, None) for r in rest]]
