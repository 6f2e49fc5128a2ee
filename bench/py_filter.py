#!/usr/bin/env python3
"""The Python contender of bench/run: json.loads on every NDJSON line, then
the rule index's test (the filter rows the floor reads, filed by eventName
and eventSource as vigil files them; a row's unless pairs are tested on the
parsed event, harness/ruleindex.py). Standard library only.

    py_filter.py INDEX [FILE|-]

Prints "records N matched M refused R", like bench/floor_cjson.c.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.ruleindex import COLUMNS, group, pad, row_matches, unless_fields  # noqa: E402


def load_index(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            cols = line.split("\t")
            row = pad(cols) if len(cols) in (COLUMNS - 1, COLUMNS) else None
            if row is None:
                sys.exit(f"{path}:{lineno}: want {COLUMNS} tab-separated columns, or "
                         f"{COLUMNS - 1} without unless (vigil lint --print-filters)")
            try:
                unless_fields(row[5])
            except ValueError as e:
                sys.exit(f"{path}:{lineno}: {e}")
            rows.append(row)
    return group(rows)


def text(v):
    return v if isinstance(v, str) else None


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: py_filter.py INDEX [FILE|-]")
    names, sources, errors, types, rest = load_index(sys.argv[1])
    path = sys.argv[2] if len(sys.argv) == 3 else "-"
    stream = sys.stdin.buffer if path == "-" else open(path, "rb")
    records = matched = refused = 0
    loads = json.loads
    none = ()
    for line in stream:
        if line == b"\n":
            continue
        records += 1
        try:
            event = loads(line)
        except ValueError:
            refused += 1
            continue
        if not isinstance(event, dict):
            continue
        src, name = text(event.get("eventSource")), text(event.get("eventName"))
        err = text(event.get("errorCode")) or None
        uid = event.get("userIdentity")
        utype = text(uid.get("type")) if isinstance(uid, dict) else None
        etype = text(event.get("eventType"))
        for rows in (names.get(name, none), sources.get(src, none), errors.get(err, none),
                     types.get(utype, none), rest):
            if any(row_matches(r, event, src, name, err, utype, etype) for r in rows):
                matched += 1
                break
    print(f"records {records} matched {matched} refused {refused}")


if __name__ == "__main__":
    main()
