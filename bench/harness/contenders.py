"""The programs bench/run puts side by side, and how each reports the
records it read and the events it found matching the rule index."""
import json
import os
import re

from . import ruleindex

# jq's equivalent of the rule index: the rows of harness/ruleindex.py, filed
# by exact eventName and by eventSource (name '*'), the rest in a list; an
# event is a candidate when it meets every check of one row it reaches: the
# column checks, then each unless field's (none of its tests matches the
# value at its path; a field with {"nocase": ...} tests is lowercased
# once). at walks the path itself: getpath errors on a string or a number
# on the way, where a path through a non-object is absent.
JQ_PROGRAM = r"""
def str: if type == "string" then . else null end;
def at($p): reduce $p[] as $k (.; if type == "object" then .[$k] else null end);
def met1($o; $x): .[1] as $p
  | if $o == "=" then $x == $p elif ($x | type) != "string" then false
    elif $o == "^" then $x | startswith($p) elif $o == "$" then $x | endswith($p)
    elif $o == "~" then $x | contains($p) else true end;
def met($x; $lx): if (.[0] | startswith("i")) then met1(.[0][1:]; $lx) else met1(.[0]; $x) end;
def ok($v; $ev): .[2] as $p
  | if .[1] == "!" then .[0] as $path | ($ev | at($path)) as $x
    | (if ($x | type) == "string" and .[3] then $x | ascii_downcase else $x end) as $lx
    | isempty($p[] | select(met($x; $lx)))
    else $v[.[0]] as $x
    | if .[1] == "=" then $x == $p elif .[1] == "^" then ($x != null and ($x | startswith($p)))
      elif .[1] == "+" then $x != null else $x == null end end;
def hit: . as $ev | (.eventSource | str) as $s | (.eventName | str) as $n
  | (.errorCode | str | if . == "" then null else . end) as $e
  | ((.userIdentity | if type == "object" then .type else null end) | str) as $t
  | [$s, $n, $e, $t, (.eventType | str)] as $v
  | isempty(((if $n != null then $names[$n] // empty else empty end)[],
              (if $s != null then $sources[$s] // empty else empty end)[],
              (if $e != null then $errors[$e] // empty else empty end)[],
              (if $t != null then $types[$t] // empty else empty end)[],
              $rest[]) | select(isempty(.[] | select(ok($v; $ev) | not)))) | not;
reduce inputs as $e ([0, 0];
  [.[0] + 1, .[1] + (if ($e | type) == "object" and ($e | hit) then 1 else 0 end)])
| "records \(.[0]) matched \(.[1]) refused 0"
"""


class Contender:
    """argv to run; stdin_file/repeat when the input comes on stdin;
    events and nbytes it processes; parse(run) -> (records, matched)."""

    def __init__(self, key, label, argv, events, nbytes, parse, stdin_file=None, repeat=1,
                 ok_status=(0,), keep_stdout=True):
        self.key, self.label, self.argv = key, label, argv
        self.events, self.nbytes, self.parse = events, nbytes, parse
        self.stdin_file, self.repeat = stdin_file, repeat
        self.ok_status, self.keep_stdout = ok_status, keep_stdout


def _number(text, word):
    """The count next to word: 'word 12', 'word: 12', 'word=12' or '12 word'."""
    m = (re.search(r"\b%s\b[\s:=]*(\d[\d,]*)" % word, text)
         or re.search(r"(\d[\d,]*)\s+%s\b" % word, text))
    return int(m.group(1).replace(",", "")) if m else None


def parse_vigil(run):
    """`vigil scan --stats` today prints on stderr a first line
    'records N, candidates M, alerts A, decode errors E, ...' (core/pipeline.c,
    print_stats). We take the first 'records' and 'candidates' counts in
    either order, so a reworded or reordered line still parses."""
    records = _number(run.err, "records")
    matched = _number(run.err, r"candidate(?:s| events)?")
    if records is None or matched is None:
        raise ValueError("vigil --stats printed no 'records N' / 'candidates N' counts")
    errors = _number(run.err, "decode errors")
    if errors:
        raise ValueError(f"vigil reported {errors} decode errors")
    return records, matched


def parse_counts(run):
    """'records N matched M refused R' from the floor, jq and Python."""
    m = re.search(r"records (\d+) matched (\d+) refused (\d+)", run.out)
    if not m:
        raise ValueError("no 'records N matched M' line on stdout")
    if int(m.group(3)):
        raise ValueError(f"{m.group(3)} lines were not valid JSON")
    return int(m.group(1)), int(m.group(2))


def vigil_scan(vigil, workers, key, label, events, nbytes, path=None, stdin_file=None,
               repeat=1):
    """vigil with the bundled pack on path, or on stdin_file fed `repeat`
    times through stdin. Alerts (few) go to /dev/null as text, the cheapest
    format; exit 1 only says alerts were raised."""
    argv = [vigil, "scan", "--workers", str(workers), "--stats", "-f", "text", "--color",
            "never", path or "-"]
    return Contender(key, label, argv, events * repeat, nbytes * repeat, parse_vigil,
                     stdin_file=stdin_file, repeat=repeat, ok_status=(0, 1),
                     keep_stdout=False)


def floor(binary, index_file, corpus):
    return Contender("floor", "cJSON floor", [binary, index_file, corpus.ndjson],
                     corpus.records, corpus.bytes, parse_counts)


def jq(jq_bin, pairs, corpus):
    argv = [jq_bin, "-n", "-r"]
    for name, value in zip(("names", "sources", "errors", "types", "rest"),
                           ruleindex.jq_groups(pairs)):
        argv += ["--argjson", name, json.dumps(value)]
    argv += [JQ_PROGRAM, corpus.ndjson]
    return Contender("jq", "jq", argv, corpus.records, corpus.bytes, parse_counts)


def python(python_bin, bench_dir, index_file, corpus):
    argv = [python_bin, os.path.join(bench_dir, "py_filter.py"), index_file, corpus.ndjson]
    return Contender("python", "Python json", argv, corpus.records, corpus.bytes,
                     parse_counts)
