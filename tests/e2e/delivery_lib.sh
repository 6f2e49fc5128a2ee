# Helpers of the delivery tests (test_delivery_*.sh). Sourced after lib.sh.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# One rule that fires once per test event, whatever else runs.
mkdir -p "$TMP/rules"
cat >"$TMP/rules/t.lua" <<'L'
rule {
  id = "t.delivery.seen",
  title = "test event seen",
  severity = "high",
  on = { eventSource = "test.example.com", eventName = "Seen" },
  output = "{actor} did #{requestParameters.n}",
}
L

# gen_events FILE FIRST COUNT: COUNT JSON Lines events e<FIRST>.., each
# raising one alert (about 350 bytes a line). Written outside any watched
# folder, then moved in, so a follower sees the file whole.
gen_events() {
  python3 - "$TMP/gen.part" "$2" "$3" <<'P'
import json, sys
path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    for n in range(first, first + count):
        f.write(json.dumps({
            "eventVersion": "1.09",
            "eventTime": "2024-05-21T14:%02d:%02dZ" % (n // 60 % 60, n % 60),
            "eventSource": "test.example.com", "eventName": "Seen", "eventID": "e%d" % n,
            "userIdentity": {"type": "IAMUser",
                             "arn": "arn:aws:iam::111122223333:user/u%d" % (n % 7)},
            "requestParameters": {"n": n, "pad": "x" * 120}}) + "\n")
P
  mv "$TMP/gen.part" "$1"
}

# wait_until SECONDS CMD...: polls CMD every 0.2 s; fails the test on timeout.
wait_until() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.2
  done
}

# ids FILE...: the event_id of every alert in file-sink JSON Lines, in a
# webhook receiver's log (accepted POSTs only) or in a syslog receiver's
# log (JSON messages), one a line, repeats kept.
ids() {
  python3 - "$@" <<'P'
import json, sys
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        continue
    for line in lines:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            continue  # a line being written as we read
        if "sd" in rec and "msg" in rec:  # syslog_receiver.py, "message": "json"
            print(json.loads(rec["msg"])["event_id"])
        elif "status" in rec and "body" in rec:  # webhook_receiver.py
            if rec["status"] != 200:
                continue
            body = json.loads(rec["body"])
            for a in body if isinstance(body, list) else [body]:
                print(a["event_id"])
        else:
            print(rec["event_id"])
P
}

# have_all N FILE...: every e1..eN arrived at least once.
have_all() {
  local n=$1; shift
  [ "$(ids "$@" | sort -u | grep -c .)" -ge "$n" ]
}

# report N FILE...: checks e1..eN all arrived (and nothing else), prints and
# sets $dups (arrivals beyond the first of each alert).
report() {
  local n=$1; shift
  ids "$@" | sort >"$TMP/ids"
  local total uniq
  total=$(grep -c . "$TMP/ids" || true)
  uniq=$(sort -u "$TMP/ids" | grep -c . || true)
  seq 1 "$n" | sed 's/^/e/' | sort >"$TMP/want"
  if ! sort -u "$TMP/ids" | cmp -s - "$TMP/want"; then
    sort -u "$TMP/ids" | comm -3 - "$TMP/want" | head -5 >&2
    fail "alerts missing or unexpected: $uniq distinct of $n expected"
  fi
  dups=$((total - uniq))
  echo "delivered $total alerts for $n events: $dups duplicates"
}

# start_receiver NAME ARGS...: webhook_receiver.py logging to $TMP/NAME.jsonl;
# sets $rpid and $port. lib.sh's EXIT trap kills it.
start_receiver() {
  local name=$1; shift
  rm -f "$TMP/port"
  python3 "$here/webhook_receiver.py" --port-file "$TMP/port" --log "$TMP/$name.jsonl" "$@" &
  rpid=$!
  wait_until 10 test -s "$TMP/port" || fail "the webhook receiver did not start"
  port=$(cat "$TMP/port")
  touch "$TMP/$name.jsonl"
}

# count FILE...: alerts (with repeats) in file-sink or receiver logs.
count() {
  ids "$@" | grep -c . || true
}

# at_least N FILE...: N alerts or more (repeats counted) have arrived.
at_least() {
  local n=$1; shift
  [ "$(count "$@")" -ge "$n" ]
}

# stop_vigil PID: SIGTERM, then its exit status must be 0 (it drains).
stop_vigil() {
  local st=0
  kill -TERM "$1"
  wait "$1" || st=$?
  [ "$st" -eq 0 ] || { tail -20 "$TMP/run.err" >&2; fail "vigil run exited $st after SIGTERM"; }
}

# covered CHECKPOINT: the event ids (e<n>) of every line a follow-mode
# checkpoint says is done, one a line.
covered() {
  python3 - "$1" <<'P'
import json, sys
try:
    cp = json.load(open(sys.argv[1]))
except FileNotFoundError:
    sys.exit(0)
for f in cp["files"]:
    with open(f["path"], "rb") as fh:
        data = fh.read()
    end = len(data) if f["done"] else f["offset"]
    for line in data[:end].splitlines():
        if line.strip():
            print(json.loads(line)["eventID"])
P
}
