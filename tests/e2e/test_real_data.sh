#!/usr/bin/env bash
# Scans all of ../shared/data/cloudtrail (real CloudTrail from public
# datasets) and checks that every record is read: the count is computed
# independently here with Python's json, gzip and zipfile. The one file
# known to be malformed must give exactly one decode error naming it.
. "$(dirname "$0")/lib.sh"

data="$VIGIL_SOURCE_DIR/../shared/data/cloudtrail"
if [ ! -d "$data" ]; then
  echo "SKIP: $data is absent (the shared real-log corpus is not on this machine)"
  exit 77
fi

expected=$(python3 - "$data" <<'PY'
import gzip, io, json, os, sys, zipfile

def records_in(text):
    """Records as vigil defines them: objects with eventName and eventTime
    (or @timestamp), from a document, an array, {"Records": [...]} or JSON Lines.
    A document that breaks mid-array yields the records before the break."""
    s = text.lstrip()
    if not s or s[0] not in "{[":
        return 0
    dec = json.JSONDecoder()
    def count(objs):
        return sum(1 for o in objs if isinstance(o, dict) and "eventName" in o
                   and ("eventTime" in o or "@timestamp" in o))
    first = s.split("\n", 1)[0].strip()
    try:
        json.loads(first)
        lines = True
    except ValueError:
        lines = False
    if lines:
        n = 0
        for line in s.splitlines():
            line = line.strip()
            if line:
                try:
                    o = json.loads(line)
                except ValueError:
                    continue
                n += count(o.get("Records", [o]) if isinstance(o, dict) else o)
        return n
    try:
        o = json.loads(s)
        return count(o.get("Records", [o]) if isinstance(o, dict) else o)
    except ValueError:
        pass
    # Salvage {"Records": [ r0, r1, ... up to the break: elements must be
    # separated by commas, as JSON says.
    ws = " \t\r\n"
    n, pos = 0, s.find("[") + 1
    while True:
        while pos < len(s) and s[pos] in ws:
            pos += 1
        try:
            o, pos = dec.raw_decode(s, pos)
        except ValueError:
            return n
        n += count([o])
        while pos < len(s) and s[pos] in ws:
            pos += 1
        if pos >= len(s) or s[pos] != ",":
            return n
        pos += 1

total = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        raw = open(p, "rb").read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        if raw[:4] == b"PK\x03\x04":
            z = zipfile.ZipFile(io.BytesIO(raw))
            for name in z.namelist():
                if not name.endswith("/"):
                    total += records_in(z.read(name).decode("utf-8", "replace"))
            continue
        total += records_in(raw.decode("utf-8", "replace"))
print(total)
PY
)

start=$(date +%s.%N)
status=0
"$VIGIL" scan -f json --stats "$data" >"$TMP/alerts.jsonl" 2>"$TMP/err" || status=$?
end=$(date +%s.%N)
cat "$TMP/err" | grep -v '^  ' >&2 || true
[ "$status" -eq 2 ] || fail "expected exit 2 (one malformed file), got $status"
summary=$(grep -E '^records [0-9]+' "$TMP/err") || fail "no summary line"
records=$(echo "$summary" | sed -E 's/^records ([0-9]+),.*/\1/')
decode_errors=$(echo "$summary" | sed -E 's/.*decode errors ([0-9]+),.*/\1/')
[ "$records" -eq "$expected" ] || fail "read $records records, Python counts $expected"
[ "$decode_errors" -eq 1 ] || fail "expected 1 decode error, got $decode_errors"
grep_in "$TMP/err" 'ec2-user-data\.json:[0-9]+: .*malformed JSON'
[ "$(grep -c 'error:' "$TMP/err")" -eq 1 ] || fail "errors other than the malformed file"
echo "alerts per rule:"
grep -E '^  aws\.' "$TMP/err" | awk '$3 > 0 { printf "  %-44s %s\n", $1, $3 }'
printf 'ok: %s records, %s alerts, %.2f s\n' "$records" "$(wc -l <"$TMP/alerts.jsonl")" \
  "$(echo "$end - $start" | bc 2>/dev/null || python3 -c "print($end - $start)")"
