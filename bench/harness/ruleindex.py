"""The filter rows the shipped rule pack is indexed on: every contender
counts the events that meet one of them, and all counts must agree.

A row is (eventSource, eventName, errorCode, userIdentity.type, eventType,
unless) as `vigil lint --print-filters` prints them, all strings: '*'
stands for any value, a value ending in '*' for a prefix; errorCode '+'
means any failed call and '-' a call that succeeded (a call failed when
errorCode is a non-empty string). unless is '-' for none, else the JSON
text of an array of [path, value] pairs. A pair matches when the field at
the dotted path (through JSON objects only, by exact member name; absent
when a step is not an object or is missing) is a string the string value
matches as a pattern ("X" exact, "X*" prefix, "*X" suffix, "*X*"
substring, "*" any string; case-sensitive, on the decoded text), or a
boolean equal to a boolean value. An event meets a row when it meets the
first five columns and none of the unless pairs matches (core/rule_index.c,
unless_met). An older vigil prints five columns (unless '-') or, with
`--print-index`, two (the rest '*')."""
import functools
import json
import os
import re
import string
import subprocess

COLUMNS = 6
NO_UNLESS = "-"


def _run(vigil, flag):
    try:
        p = subprocess.run([vigil, "lint", flag], capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return p.stdout if p.returncode == 0 else None


def pad(cols):
    """A row from 2, 5 or 6 columns (older vigils print fewer), or None."""
    if len(cols) == 2:
        return tuple(cols) + ("*", "*", "*", NO_UNLESS)
    if len(cols) == COLUMNS - 1:
        return tuple(cols) + (NO_UNLESS,)
    return tuple(cols) if len(cols) == COLUMNS else None


def from_vigil(vigil):
    """Rows from `vigil lint --print-filters`, else from the older
    `--print-index` (eventSource and eventName only), else None. An unless
    column that does not read as one raises RuntimeError: falling back to
    rows without it would only make the counts disagree later."""
    for flag, widths in (("--print-filters", (COLUMNS - 1, COLUMNS)), ("--print-index", (2,))):
        out = _run(vigil, flag)
        if out is None:
            continue
        rows = set()
        for line in out.splitlines():
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) not in widths or not all(cols):
                rows = None
                break
            row = pad(cols)
            try:
                unless_fields(row[5])
            except ValueError as e:
                raise RuntimeError(f"vigil lint {flag}: {e} in line {line!r}") from None
            rows.add(row)
        if rows:
            return sorted(rows), f"vigil lint {flag}"
    return None


# FALLBACK for a vigil without `lint --print-index`: read each rule's
# `on = {...}` table as text. It knows only the literal forms of eventSource
# and eventName (a string or a list of strings) and would miss a rule that
# builds `on` in code or filters on the other keys (unless among them).
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
                rows.update((s, n, "*", "*", "*", NO_UNLESS) for s in sources for n in names)
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


def _pattern(text):
    """An unless string value as (op, text between the stars): "*" any
    string, "=" exact, "^" prefix, "$" suffix, "~" substring. Raises
    ValueError for what core/field_pat.c refuses (a '*' inside, nothing
    between the stars), which vigil never prints."""
    if text == "*":
        return "*", ""
    lead, trail = text.startswith("*"), len(text) > 1 and text.endswith("*")
    core = text[int(lead):len(text) - int(trail)]
    if not core or "*" in core:
        raise ValueError(f"unless pattern {text!r} is not X, X*, *X, *X* or *")
    return ("~" if lead and trail else "$" if lead else "^" if trail else "="), core


@functools.lru_cache(maxsize=None)
def unless_fields(text):
    """The unless column read: ((path steps, ((op, value), ...), nocase), ...),
    one entry a path so each field is looked up once; op is a _pattern() op
    ("i" before it for {"nocase": ...}: value lowercased, tested on the field
    in ASCII lower case; nocase says the entry has one), or "b" with a
    boolean value. Cached: rows share a few distinct columns.
    Raises ValueError when text is neither '-' nor such an array."""
    if text == NO_UNLESS:
        return ()
    try:
        pairs = json.loads(text)
    except ValueError as e:
        raise ValueError(f"unless column is not JSON ({e})") from None
    if not isinstance(pairs, list):
        raise ValueError("unless column is not a JSON array")
    fields = {}
    for pair in pairs:
        nocase = (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], dict)
                  and list(pair[1]) == ["nocase"] and isinstance(pair[1]["nocase"], str))
        if (not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str)
                or not (nocase or isinstance(pair[1], (str, bool)))):
            raise ValueError(f"unless pair {pair!r} is not [path, string, "
                             "{\"nocase\": string} or boolean]")
        path, value = pair
        if nocase:
            op, core = _pattern(value["nocase"])
            test = ("i" + op, core.translate(_LOWER))
        else:
            test = ("b", value) if isinstance(value, bool) else _pattern(value)
        fields.setdefault(path, []).append(test)
    return tuple((tuple(path.split(".")), tuple(tests), any(op[0] == "i" for op, _ in tests))
                 for path, tests in fields.items())


def _at(event, steps):
    """The value at a path through objects only; None when absent."""
    for step in steps:
        if not isinstance(event, dict):
            return None
        event = event.get(step)
    return event


# ASCII letters only, as vigil (and Lua's string.lower) lowercase.
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _test(op, pat, v, lv):
    """One test on value v (lv: v in ASCII lower case, for nocase ops)."""
    if op == "b":
        return v is pat  # json gives the True/False singletons; 1 == True must not count
    if not isinstance(v, str):
        return False
    if op[0] == "i":  # {"nocase": pattern}: the value in ASCII lower case
        op, v = op[1:], lv
    return (op == "*" or op == "=" and v == pat or op == "^" and v.startswith(pat)
            or op == "$" and v.endswith(pat) or op == "~" and pat in v)


def unless_met(text, event):
    """True when one of the pairs of unless column text matches event."""
    if text == NO_UNLESS:
        return False
    for steps, tests, nocase in unless_fields(text):
        v = _at(event, steps)
        if v is None:
            continue
        lv = v.translate(_LOWER) if nocase and isinstance(v, str) else v  # once, for nocase
        if any(_test(op, pat, v, lv) for op, pat in tests):
            return True
    return False


def row_matches(row, event, src, name, err, utype, etype):
    """The reference test of one row (Python contender, manifest count):
    event is the parsed record (a dict; only read when the row has unless
    pairs), the values are strings or None; err is None when the call
    succeeded."""
    s, n, e, t, y, u = row
    if e == "+" and err is None or e == "-" and err is not None:
        return False
    if e not in ("+", "-") and not _hit(e, err):
        return False
    return (_hit(s, src) and _hit(n, name) and _hit(t, utype) and _hit(y, etype)
            and not unless_met(u, event))


def _checks(row, key):
    """A row as jq tests it: [column, "=" | "^" | "+" | "-", value] for each
    of the first five columns that constrains (the column it was filed under
    needs no test), then [path steps, "!", [[op, value], ...]] for each
    unless field, met when none of its tests matches. Booleans test with
    "=": jq's == never equates values of different types."""
    out = []
    for i, pat in enumerate(row[:5]):
        if pat == "*" or i == key:
            continue
        if i == 2 and pat in ("+", "-"):
            out.append([i, pat, ""])
        elif len(pat) > 1 and pat.endswith("*"):
            out.append([i, "^", pat[:-1]])
        else:
            out.append([i, "=", pat])
    for steps, tests, nocase in unless_fields(row[5]):
        out.append([list(steps), "!", [["=" if op == "b" else op, pat] for op, pat in tests],
                    nocase])
    return out


def jq_groups(rows):
    """group() with each row as its list of checks, for the jq contender."""
    names, sources, errors, types, rest = group(rows)
    conv = [({k: [_checks(r, col) for r in v] for k, v in m.items()})
            for m, col in ((names, 1), (sources, 0), (errors, 2), (types, 3))]
    return conv + [[_checks(r, None) for r in rest]]
