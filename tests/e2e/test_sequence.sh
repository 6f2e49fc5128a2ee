# A sequence rule across files and workers: the guardrail detach and the
# admin attach land in different files, among other principals' events;
# vigil scan with 1 and 2 workers raises exactly one guardrail_swap alert,
# and none when the attach comes first.
. "$(dirname "$0")/lib.sh"

S="$VIGIL_SOURCE_DIR/lua-rules/aws/iam/samples"
mkdir -p "$TMP/logs"
# Noise from other principals between the two steps.
python3 - "$S" "$TMP/logs" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
detach = json.load(open(f"{src}/detach_role_policy_guardrail.json"))
attach = json.load(open(f"{src}/attach_role_policy_admin_after_guardrail.json"))
other = json.load(open(f"{src}/attach_role_policy_admin.json"))
noise = []
for i in range(500):
    n = json.loads(json.dumps(other))
    n["userIdentity"]["arn"] = f"arn:aws:iam::111122223333:user/u{i}"
    n["eventName"] = "ListRoles" if i % 2 else "GetRole"
    noise.append(n)
json.dump({"Records": [detach] + noise[:250]}, open(f"{out}/1.json", "w"))
with open(f"{out}/2.jsonl", "w") as f:
    for n in noise[250:] + [attach]:
        f.write(json.dumps(n) + "\n")
PY

for w in 1 2; do
  expect_status 1 "$VIGIL" scan --workers "$w" -f json "$TMP/logs"
  got=$(grep -c '"rule_id":"aws.iam.guardrail_swap"' "$TMP/out" || true)
  [ "$got" -eq 1 ] || fail "workers=$w: $got guardrail_swap alerts, expected 1"
  grep_in "$TMP/out" '"sequence":\{"steps":2,"started_at":"2024-03-14T09:13:40.000Z"\}'
done

# The same two events in the wrong order: each alone still alerts, the
# sequence does not.
cat "$S/attach_role_policy_admin_after_guardrail.json" | tr -d '\n' > "$TMP/rev.jsonl"
echo >> "$TMP/rev.jsonl"
tr -d '\n' < "$S/detach_role_policy_guardrail.json" >> "$TMP/rev.jsonl"
echo >> "$TMP/rev.jsonl"
expect_status 1 "$VIGIL" scan -f json "$TMP/rev.jsonl"
if grep -q '"rule_id":"aws.iam.guardrail_swap"' "$TMP/out"; then
  fail "attach before detach completed the sequence"
fi
grep_in "$TMP/out" '"rule_id":"aws.iam.detach_guardrail_policy"'
echo "ok"
