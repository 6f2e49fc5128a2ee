#!/usr/bin/env bash
# The webhook sink over HTTPS (issue 6, item 3): with the receiver's
# certificate as ca_file every alert arrives; without it the certificate is
# refused (verification is on by default) and no alert reaches the receiver.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
command -v openssl >/dev/null || { echo "SKIP: openssl is not installed"; exit 77; }

rpid=

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>"$TMP/openssl.err" ||
  { cat "$TMP/openssl.err" >&2; fail "cannot make a test certificate"; }

mkdir "$TMP/rules"
cat >"$TMP/rules/t.lua" <<'L'
rule { id = "t.tls.seen", title = "seen", severity = "high",
  on = { eventSource = "test.example.com", eventName = "Seen" } }
L
for n in $(seq 1 5); do
  printf '{"eventTime":"2024-05-21T14:00:%02dZ","eventSource":"test.example.com",' "$n"
  printf '"eventName":"Seen","eventID":"e%d","userIdentity":{"type":"IAMUser",' "$n"
  printf '"arn":"arn:aws:iam::111122223333:user/u"}}\n'
done >"$TMP/events.jsonl"

python3 "$here/webhook_receiver.py" --port-file "$TMP/port" --log "$TMP/hook.jsonl" \
  --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" &
rpid=$!
for _ in $(seq 100); do
  [ -s "$TMP/port" ] && break
  sleep 0.05
done
port=$(cat "$TMP/port")
touch "$TMP/hook.jsonl"

run() { # run WANT-STATUS EXTRA-SINK-OPTIONS
  cat >"$TMP/conf.json" <<J
{"rules": ["$TMP/rules"], "workers": 1,
 "sources": [{"name": "in", "type": "file", "config": {"paths": ["$TMP/events.jsonl"]}}],
 "sinks": [{"name": "hook", "type": "webhook",
            "config": {"url": "https://127.0.0.1:$port/in", "max_retries": 0 $2}}]}
J
  expect_status "$1" "$VIGIL" run -c "$TMP/conf.json"
}

# 1. The receiver's certificate as the CA: delivered over TLS.
run 0 ", \"ca_file\": \"$TMP/cert.pem\""
python3 - "$TMP/hook.jsonl" <<'P' || fail "HTTPS deliveries"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
got = sorted(json.loads(r["body"])["event_id"] for r in reqs if r["status"] == 200)
assert got == ["e%d" % n for n in range(1, 6)], got
P

# 2. Without it the self-signed certificate is refused: nothing is sent.
: >"$TMP/hook.jsonl"
run 2 ""
grep_in "$TMP/err" 'POST https://127\.0\.0\.1:[0-9]+/\*\*\*: .*(certificate|SSL)'
grep_in "$TMP/err" 'could not be delivered'
grep -E 'certificate|SSL' "$TMP/err" | head -1
[ ! -s "$TMP/hook.jsonl" ] || fail "an alert was accepted over an unverified connection"
echo ok
