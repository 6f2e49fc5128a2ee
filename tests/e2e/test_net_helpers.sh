#!/usr/bin/env bash
# vigil.net's address tests against Python's ipaddress module: in_cidr,
# is_public_ip (outside private_cidrs) and is_trusted_ip (a site's
# trusted_cidrs) over IPv4 and IPv6 literals, prefixes on and off byte
# bounds, bases not aligned to their prefix, /0 and host routes, mixed
# families, and strings that are no address. Each address is asked twice,
# so the answers of the parsed-address cache and of the per-list verdicts
# are checked too, as is a list a site changes between two calls.
. "$(dirname "$0")/lib.sh"

cd "$TMP"
python3 - <<'PY'
import ipaddress, json
addrs = ["10.1.2.3", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.16.0.1",
         "172.31.255.255", "172.32.0.0", "192.168.7.7", "100.63.255.255", "100.64.0.0",
         "100.127.255.255", "127.0.0.1", "169.254.169.254", "0.1.2.3", "8.8.8.8",
         "203.0.113.9", "198.51.100.23", "255.255.255.255", "::1", "::2", "fc00::1",
         "fdff:ffff::1", "fe00::1", "fe80::1", "febf::1", "fec0::1", "2001:db8::1",
         "2001:db8:ffff::1", "2001:db9::", "2600:1f18::9", "1:2:3:4:5:6:7:8",
         "ec2.amazonaws.com", "", "1.2.3", "1.2.3.256", "::g", "1::2::3"]
cidrs = ["10.0.0.0/8", "10.1.2.3/8", "203.0.113.0/24", "203.0.113.9", "198.51.100.16/28",
         "0.0.0.0/0", "2001:db8::/32", "2001:db8::/33", "::/0", "fe80::/10", "8.8.8.8/32",
         "2600:1f18::/29", "not a cidr", "10.0.0.0/33"]
private = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
           "169.254.0.0/16", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10"]
trusted = ["198.51.100.16/28", "2600:1f18::/29", "8.8.8.8"]

def addr(s):
    try:
        return ipaddress.ip_address(s)
    except ValueError:
        return None

def net(c):
    try:
        return ipaddress.ip_network(c, strict=False)
    except ValueError:
        return None

def inside(a, c):
    n = net(c)
    return a is not None and n is not None and a.version == n.version and a in n

want = {}
with open("ev.jsonl", "w") as f:
    for i, s in enumerate(addrs * 2):
        a = addr(s)
        want[str(i)] = {
            "public": a is not None and not any(inside(a, c) for c in private),
            "trusted": a is not None and any(inside(a, c) for c in trusted),
            "grown": a is not None and not any(inside(a, c) for c in private + ["8.8.8.0/24"]),
            "private": a is not None and any(inside(a, c) for c in private),
            "in": [inside(a, c) for c in cidrs]}
        f.write(json.dumps({"eventName": "Probe", "eventID": str(i), "sourceIPAddress": s,
                            "eventTime": "2024-01-01T00:00:00Z"}) + "\n")
json.dump(want, open("want.json", "w"))
lua = "{ " + ", ".join(json.dumps(c) for c in cidrs) + " }"
trusted_lua = "{ " + ", ".join(json.dumps(c) for c in trusted) + " }"
open("r.lua", "w").write(f'''
local net = require "vigil.net"
local cidrs = {lua}
rule {{ id = "t.net", title = "t", severity = "low", on = {{ eventName = "Probe" }},
  context = function(e)
    local ip = e.sourceIPAddress
    local got = {{}}
    for i, c in ipairs(cidrs) do got[i] = net.in_cidr(ip, c) end
    net.trusted_cidrs = {trusted_lua}
    local t = net.is_trusted_ip(ip)
    net.trusted_cidrs = {{}}
    -- one table as both lists: each question keeps its own answer
    net.trusted_cidrs = net.private_cidrs
    local ap, at = net.is_public_ip(ip), net.is_trusted_ip(ip)
    local at2, ap2 = net.is_trusted_ip(ip), net.is_public_ip(ip)
    net.trusted_cidrs = {{}}
    -- a site adding an entry (and taking it out again) is seen at once
    table.insert(net.private_cidrs, "8.8.8.0/24")
    local grown = net.is_public_ip(ip)
    table.remove(net.private_cidrs)
    return {{ public = net.is_public_ip(ip), trusted = t, none_trusted = net.is_trusted_ip(ip),
             inside = got, grown = grown, alias = {{ ap, at, at2, ap2 }} }}
  end }}
''')
PY
expect_status 1 "$VIGIL" scan -w 1 -f json --rules r.lua ev.jsonl
python3 - "$TMP/out" <<'PY' || fail "vigil.net disagrees with Python's ipaddress"
import json, sys
want = json.load(open("want.json"))
seen = 0
for line in open(sys.argv[1]):
    a = json.loads(line)
    c, w = a["context"], want[a["event"]["eventID"]]
    ip = a["event"]["sourceIPAddress"]
    assert c["public"] == w["public"], (ip, "public", c["public"])
    assert c["trusted"] == w["trusted"], (ip, "trusted", c["trusted"])
    assert c["none_trusted"] is False, (ip, "trusted with none listed")
    assert c["grown"] == w["grown"], (ip, "public with an entry added", c["grown"])
    pub, priv = w["public"], w["private"]
    assert c["alias"] == [pub, priv, priv, pub], (ip, "one table as both lists", c["alias"])
    assert c["inside"] == w["in"], (ip, c["inside"], w["in"])
    seen += 1
assert seen == len(want), (seen, len(want))
PY
echo "ok: vigil.net agrees with ipaddress on $(wc -l <ev.jsonl) addresses"
