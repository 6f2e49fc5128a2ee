#!/usr/bin/env python3
"""The Python contender of bench/run: json.loads on every NDJSON line, then
the rule index's test on eventSource/eventName (the same pairs the floor
reads). Standard library only.

    py_filter.py INDEX [FILE|-]

Prints "records N matched M refused R", like bench/floor_cjson.c.
"""
import json
import sys


def load_index(path):
    names, sources, anything = {}, set(), False
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            src, tab, name = line.partition("\t")
            if not tab:
                sys.exit(f"{path}:{lineno}: want 'eventSource<TAB>eventName'")
            if name == "*" and src == "*":
                anything = True
            elif name == "*":
                sources.add(src)
            else:
                names.setdefault(name, set()).add(src)
    return names, sources, anything


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: py_filter.py INDEX [FILE|-]")
    names, sources, anything = load_index(sys.argv[1])
    path = sys.argv[2] if len(sys.argv) == 3 else "-"
    stream = sys.stdin.buffer if path == "-" else open(path, "rb")
    records = matched = refused = 0
    loads = json.loads
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
        src, name = event.get("eventSource"), event.get("eventName")
        src = src if isinstance(src, str) else None
        allowed = names.get(name) if isinstance(name, str) else None
        if anything or (src is not None and src in sources) or (
                allowed is not None and ("*" in allowed or src in allowed)):
            matched += 1
    print(f"records {records} matched {matched} refused {refused}")


if __name__ == "__main__":
    main()
