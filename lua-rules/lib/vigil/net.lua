-- vigil.net: helpers for the compute, network and database rules (EC2, VPC,
-- Lambda, ECR, CodeBuild, RDS).
--
-- Sections: addresses (IP literals, CIDRs, trusted networks), security group
-- permissions and ports, who called (automation or a person), sharing
-- (snapshot and image permissions, account ids in ARNs), resource policies
-- (a small JSON reader and the "open to anyone" test), Lambda event names,
-- and the event sources watched by the rules that are not tied to one API.
--
-- Tables marked "site" are meant to be tuned: add to them from any rule file
-- (table.insert(require("vigil.net").trusted_cidrs, "198.51.100.0/24")); they
-- are read on every call, so an addition applies to every rule.
local aws = require "vigil.aws"
local native = require "vigil.native"

local M = {}

local function text(v)
  if type(v) == "string" and v ~= "" then
    return v
  end
  return nil
end

-- ---------------------------------------------------------------- addresses

-- Four octets of a dotted IPv4 literal, or nil.
local function parse_v4(s)
  local a, b, c, d = s:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  local o

  if not a then
    return nil
  end
  o = { tonumber(a), tonumber(b), tonumber(c), tonumber(d) }
  for i = 1, 4 do
    if o[i] > 255 then
      return nil
    end
  end
  return o
end

-- Eight 16-bit groups of an IPv6 literal ("::" expanded), or nil. Embedded
-- IPv4 tails ("::ffff:10.0.0.1") are not handled: CloudTrail prints mapped
-- addresses as plain IPv4.
local function parse_v6(s)
  local head, tail = s:match("^([%x:]*)::([%x:]*)$")
  local groups = {}
  local function split(part, into)
    if part == "" then
      return true
    end
    for g in (part .. ":"):gmatch("([^:]*):") do
      if not g:match("^%x%x?%x?%x?$") then
        return false
      end
      into[#into + 1] = tonumber(g, 16)
    end
    return true
  end
  local left, right = {}, {}

  if not s:find(":", 1, true) then
    return nil
  end
  if head then
    if not split(head, left) or not split(tail, right) or #left + #right > 7 then
      return nil
    end
    for _, g in ipairs(left) do
      groups[#groups + 1] = g
    end
    for _ = 1, 8 - #left - #right do
      groups[#groups + 1] = 0
    end
    for _, g in ipairs(right) do
      groups[#groups + 1] = g
    end
  elseif not split(s, groups) or #groups ~= 8 then
    return nil
  end
  return groups
end

-- The address as a list of bits-carrying numbers and the width of each
-- (8 for IPv4 octets, 16 for IPv6 groups), or nil for anything that is not
-- an IP literal ("AWS Internal", "cloudformation.amazonaws.com").
local function parse_ip(s)
  local v

  if type(s) ~= "string" then
    return nil
  end
  v = parse_v4(s)
  if v then
    return v, 8
  end
  v = parse_v6(s:lower())
  if v then
    return v, 16
  end
  return nil
end

-- True when the first `bits` bits of two parsed addresses are equal.
local function same_prefix(a, b, width, bits)
  local i = 1

  while bits > 0 do
    local take = math.min(bits, width)
    local shift = width - take
    if (a[i] >> shift) ~= (b[i] >> shift) then
      return false
    end
    bits = bits - take
    i = i + 1
  end
  return true
end

-- A CIDR ("10.0.0.0/8", "2001:db8::/32", or a bare address) as its parsed
-- base, the base's group width and the prefix length; nil when it is not one.
local function parse_cidr(cidr)
  local base, bits, b, wb

  if type(cidr) ~= "string" then
    return nil
  end
  base, bits = cidr:match("^([^/]+)/(%d+)$")
  base = base or cidr
  b, wb = parse_ip(base)
  if not b then
    return nil
  end
  bits = tonumber(bits) or #b * wb
  if bits > #b * wb then
    return nil
  end
  return b, wb, bits
end

-- An address as the membership tests below read it: an IPv4 address as
-- one 32-bit integer, an IPv6 one as its eight 16-bit groups; nil when s is
-- no address literal.
local function address(s)
  local g, w = parse_ip(s)

  if g and w == 8 then
    return (g[1] << 24) | (g[2] << 16) | (g[3] << 8) | g[4]
  end
  return g
end

-- A CIDR as the membership tests read it: { v4 = network, mask = mask } or
-- { v6 = groups, bits = prefix length }; nil when it is not one.
local function network(cidr)
  local b, wb, bits = parse_cidr(cidr)
  local mask

  if not b then
    return nil
  end
  if wb == 8 then
    mask = (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
    return { v4 = ((b[1] << 24) | (b[2] << 16) | (b[3] << 8) | b[4]) & mask, mask = mask }
  end
  return { v6 = b, bits = bits }
end

-- True when address a lies in network n. Mixed families never match.
local function within(a, n)
  if math.type(a) == "integer" then
    return n.mask ~= nil and a & n.mask == n.v4
  end
  return n.v6 ~= nil and same_prefix(a, n.v6, 16, n.bits)
end

-- True when `ip` (a literal) lies in `cidr` ("10.0.0.0/8", "2001:db8::/32",
-- or a bare address). Mixed families never match.
function M.in_cidr(ip, cidr)
  local a = address(ip)
  local n = a and network(cidr)

  return n ~= nil and within(a, n)
end

-- Addresses that never route on the internet: RFC 1918, shared (carrier
-- NAT) space, loopback, link-local, IPv6 unique-local and link-local.
M.private_cidrs = {
  "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
  "127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8",
  "::1/128", "fc00::/7", "fe80::/10",
}

-- Site: your own egress addresses (NAT gateways, office ranges, instances
-- with public addresses that call AWS directly). Calls from them are not
-- "from outside" for the instance-credential and VPC endpoint rules.
M.trusted_cidrs = {}

-- The entries of the site's CIDR lists, parsed once each: these lists are
-- checked on every candidate event of several rules. Keyed by the entry's
-- text, so an entry a site adds later is parsed when first seen.
local parsed_entries = {}

local function entry(c)
  local n = parsed_entries[c]

  if n == nil then
    n = network(c) or false
    if type(c) == "string" then
      parsed_entries[c] = n
    end
  end
  return n
end

-- Addresses from events, parsed once while they repeat (a session calls
-- from the same few addresses): at most ADDRESSES are kept, then the
-- cache starts over, so its memory is bounded whatever the input.
local ADDRESSES = 4096
local addresses, naddresses = {}, 0

local function cached_address(s)
  local a = addresses[s]

  if a == nil then
    if type(s) ~= "string" then
      return nil
    end
    a = address(s) or false
    if naddresses == ADDRESSES then
      addresses, naddresses = {}, 0
    end
    addresses[s] = a
    naddresses = naddresses + 1
  end
  return a or nil
end

-- The entries of list up to its first nil, as ipairs walks them, without
-- a call per entry (ipairs' iterator, entry(), within() for IPv4): these
-- lists are walked on every candidate of the credential rules, and the
-- calls were most of their cost.
local function in_list(a, list)
  local v4 = math.type(a) == "integer"
  local i = 1
  local c = list[1]

  while c ~= nil do
    local n = parsed_entries[c]
    if n == nil then
      n = entry(c)
    end
    if n and (v4 and (n.mask ~= nil and a & n.mask == n.v4) or not v4 and within(a, n)) then
      return true
    end
    i = i + 1
    c = list[i]
  end
  return false
end

-- What a list's test gave for values that repeat (a session's addresses
-- and user agent), kept per list while it is the same table with the same
-- length: a site changes its lists by assigning a new one or by adding or
-- removing entries (an entry edited in place is seen once the length
-- changes). One set for address lists, one for pattern lists, so a table
-- used as both keeps two answers. At most MEMO_MAX values per list and
-- MEMO_LISTS lists (a rule that makes a new list per event), then it
-- starts over. Slots 1 and 2 hold the list's length and the count: the
-- values are strings.
local MEMO_MAX = 1024
local MEMO_LISTS = 16
local address_memos = { n = 0 }
local pattern_memos = { n = 0 }

local function memo_of(memos, list)
  local m = memos[list]

  if m == nil or m[1] ~= #list or m[2] >= MEMO_MAX then
    if m == nil then
      if memos.n == MEMO_LISTS then
        for k in next, memos do
          memos[k] = nil
        end
        memos.n = 0
      end
      memos.n = memos.n + 1
    end
    m = { #list, 0 }
    memos[list] = m
  end
  return m
end

local function remember(m, s, v)
  m[s] = v
  m[2] = m[2] + 1
  return v
end

-- Whether the address s lies in list (inside true) or outside it (false);
-- false when s is no address literal. What is remembered is membership
-- (or 0: no address), never the answer, so both questions on one list
-- share it.
local function listed(list, s, inside)
  local m = memo_of(address_memos, list)
  local v = m[s]
  local a

  if v == nil then
    a = cached_address(s)
    v = remember(m, s, a == nil and 0 or in_list(a, list))
  end
  return v ~= 0 and v == inside
end

-- True when `s` is an IP literal outside private_cidrs.
function M.is_public_ip(s)
  return type(s) == "string" and listed(M.private_cidrs, s, false)
end

-- True when `s` is an IP literal in one of the site's trusted_cidrs.
function M.is_trusted_ip(s)
  -- none listed: nothing to parse
  return M.trusted_cidrs[1] ~= nil and type(s) == "string" and listed(M.trusted_cidrs, s, true)
end

-- True for a CIDR that covers every address: a prefix length of 0, whatever
-- the base address (0.0.0.0/0 and ::/0 as written by people; anonymised logs
-- keep the /0 and replace the address).
function M.is_world_cidr(c)
  local base = type(c) == "string" and c:match("^([^/]+)/0+$")
  return base ~= nil and parse_ip(base) ~= nil
end

-- ------------------------------------------------ security group permissions

-- Ports whose exposure to the internet is a known attack path: remote
-- administration (SSH, RDP, VNC, WinRM, telnet), file sharing (FTP, SMB,
-- NetBIOS, NFS), databases and caches, container and cluster control planes.
-- Site: add or remove entries (M.sensitive_ports[8443] = "admin UI").
M.sensitive_ports = {
  [20] = "FTP data", [21] = "FTP", [22] = "SSH", [23] = "telnet",
  [135] = "MS RPC", [137] = "NetBIOS", [138] = "NetBIOS", [139] = "NetBIOS",
  [445] = "SMB", [1433] = "SQL Server", [1521] = "Oracle", [2049] = "NFS",
  [2375] = "Docker API", [2376] = "Docker API (TLS)", [2379] = "etcd",
  [3306] = "MySQL", [3389] = "RDP", [5432] = "PostgreSQL", [5601] = "Kibana",
  [5900] = "VNC", [5984] = "CouchDB", [5985] = "WinRM", [5986] = "WinRM (TLS)",
  [6379] = "Redis", [6443] = "Kubernetes API", [9092] = "Kafka",
  [9200] = "Elasticsearch", [9300] = "Elasticsearch", [10250] = "kubelet",
  [11211] = "memcached", [27017] = "MongoDB", [27018] = "MongoDB",
}

-- Site: ports you expect to serve to the whole internet. A world-open rule
-- on these alone raises no exposure alert (the change rules still see it).
M.public_ports = { [80] = true, [443] = true }

local function num(v)
  if type(v) == "number" then
    return math.tointeger(v)
  end
  return math.tointeger(tonumber(v))
end

local function add_perm(out, proto, from, to, cidr)
  if text(cidr) then
    out[#out + 1] = { proto = tostring(proto or "-1"), from = num(from), to = num(to),
                      cidr = cidr }
  end
end

-- One permission in the EC2 query shape: ipProtocol, fromPort, toPort,
-- ipRanges.items[].cidrIp, ipv6Ranges.items[].cidrIpv6.
local function add_query_perm(out, p)
  local ranges = p["ipRanges.items"]
  local ranges6 = p["ipv6Ranges.items"]

  for i = 1, ranges and #ranges or 0 do
    add_perm(out, p.ipProtocol, p.fromPort, p.toPort, ranges[i].cidrIp)
  end
  for i = 1, ranges6 and #ranges6 or 0 do
    add_perm(out, p.ipProtocol, p.fromPort, p.toPort, ranges6[i].cidrIpv6)
  end
end

-- One ModifySecurityGroupRules update: { SecurityGroupRule = { CidrIpv4, ... } }.
local function add_modify_perm(out, u)
  local r = u.SecurityGroupRule or u

  add_perm(out, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4)
  add_perm(out, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv6)
end

-- The address permissions a security group call adds or changes, as a list
-- of { proto, from, to, cidr } (one entry per CIDR). Reads the three shapes
-- CloudTrail records: ipPermissions.items (SDKs, console), the flat form
-- (cidrIp, ipProtocol, fromPort, toPort at the top of requestParameters, old
-- CLI calls), and ModifySecurityGroupRulesRequest. Rules that name another
-- security group or a prefix list carry no CIDR and are not listed.
function M.sg_permissions(e)
  local out = {}
  local items = e["requestParameters.ipPermissions.items"]
  local rp = e.requestParameters
  local mod = e["requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule"]

  for i = 1, items and #items or 0 do
    add_query_perm(out, items[i])
  end
  if rp then
    add_perm(out, rp.ipProtocol, rp.fromPort, rp.toPort, rp.cidrIp)
    add_perm(out, rp.ipProtocol, rp.fromPort, rp.toPort, rp.cidrIpv6)
  end
  if mod and mod.SecurityGroupRule then
    add_modify_perm(out, mod)
  elseif mod then
    for i = 1, #mod do
      add_modify_perm(out, mod[i])
    end
  end
  return out
end

-- True when the permission covers every port: protocol -1 ("all"), or a
-- TCP/UDP rule without ports or spanning 0-65535.
local function all_ports(p)
  if p.proto == "-1" or p.proto == "all" then
    return true
  end
  return (p.from == nil and p.to == nil)
    or (p.from ~= nil and p.to ~= nil and p.from <= 0 and p.to >= 65535)
end

local function port_text(p)
  if all_ports(p) then
    return "all"
  end
  if p.from == nil or p.to == nil or p.from == p.to then
    return tostring(p.from or p.to or "?")
  end
  return p.from .. "-" .. p.to
end

-- What a security group call opens to the whole internet: nil when nothing,
-- else { ports = "22,443", cidrs = "0.0.0.0/0", sensitive = bool,
-- services = "SSH", unexpected = bool }. `sensitive`: some world-open range
-- covers a sensitive port or every port. `unexpected`: some world-open range
-- is not limited to the site's public_ports. ICMP (proto "icmp"/"1"/"58")
-- exposes no service port and only counts as unexpected.
function M.world_exposure(e)
  local seen, ports, cidrs, names = {}, {}, {}, {}
  local res = { sensitive = false, unexpected = false }
  local any = false

  for _, p in ipairs(M.sg_permissions(e)) do
    if M.is_world_cidr(p.cidr) then
      any = true
      local icmp = p.proto == "icmp" or p.proto == "1" or p.proto == "icmpv6"
        or p.proto == "58"
      local pt = icmp and "icmp" or port_text(p)
      if not seen[pt] then
        seen[pt] = true
        ports[#ports + 1] = pt
      end
      if not seen[p.cidr] then
        seen[p.cidr] = true
        cidrs[#cidrs + 1] = p.cidr
      end
      if icmp then
        res.unexpected = true
      elseif all_ports(p) then
        res.sensitive, res.unexpected = true, true
        names[#names + 1] = "all ports"
      else
        local lo, hi = p.from or p.to, p.to or p.from
        for port, name in pairs(M.sensitive_ports) do
          if port >= lo and port <= hi and not seen[name] then
            seen[name] = true
            res.sensitive = true
            names[#names + 1] = name
          end
        end
        if lo ~= hi or not M.public_ports[lo] then
          res.unexpected = true
        end
      end
    end
  end
  if not any then
    return nil
  end
  table.sort(names)
  res.ports = table.concat(ports, ",")
  res.cidrs = table.concat(cidrs, ",")
  res.services = table.concat(names, ",")
  return res
end

-- ----------------------------------------------------------------- callers

-- Lua patterns matched against the lowercased userAgent of infrastructure-
-- as-code tools. Their changes come from reviewed code, not from a person.
M.iac_agent_patterns = {
  "terraform", "hashicorp", "pulumi", "cloudformation", "aws%-cdk",
  "aws%-sam%-cli", "serverless", "crossplane", "ansible",
}

-- Site: Lua patterns matched against the lowercased name of the calling
-- user or role (the role, not the session). Defaults follow common names of
-- deployment identities; replace them with your own. A principal an
-- attacker can name (create a user "deployer") slips through: keep this
-- list exact where you can.
M.deployer_patterns = {
  "deploy", "pipeline", "cicd", "^ci[%-_]", "jenkins", "github", "gitlab",
  "terraform", "codebuild", "codepipeline", "automation",
}

-- A pattern with no magic characters once its escapes are read ("aws%-cdk")
-- as the plain text it matches ("aws-cdk"), else false. Plain finds skip the
-- sandbox's costing of a pattern search; the site lists are searched on
-- every candidate event of the burst rules. Keyed by the pattern's text.
local plain_of = {}

local function plain(pat)
  local p = plain_of[pat]

  if p == nil then
    p = not pat:gsub("%%%p", ""):find("[%^%$%(%)%%%.%[%]%*%+%-%?]") and pat:gsub("%%(%p)", "%1")
    plain_of[pat] = p
  end
  return p
end

local function matches_any(s, patterns)
  local m, v, low

  if not s then
    return false
  end
  m = memo_of(pattern_memos, patterns)
  v = m[s]
  if v ~= nil then
    return v
  end
  low = s:lower()
  for _, pat in ipairs(patterns) do
    local text = plain(pat)
    if text and low:find(text, 1, true) or not text and low:find(pat) then
      return remember(m, s, true)
    end
  end
  return remember(m, s, false)
end

-- True when the userAgent names an infrastructure-as-code tool.
function M.is_iac(e)
  return matches_any(text(e.userAgent), M.iac_agent_patterns)
end

-- The calling identity's own name: the IAM user, or the role behind a role
-- session (sessionIssuer.userName, else the role part of the ARN).
function M.principal_name(e)
  local arn = text(e["userIdentity.arn"]) or ""

  return text(e["userIdentity.userName"])
    or text(e["userIdentity.sessionContext.sessionIssuer.userName"])
    or arn:match(":assumed%-role/([^/]+)")
    or arn:match(":user/(.+)$")
end

-- True when the caller's own name matches a deployer pattern.
function M.is_deployer(e)
  return matches_any(M.principal_name(e), M.deployer_patterns)
end

-- True when the change came from automation: an AWS service acting for
-- you, an infrastructure-as-code tool, or a deployment identity.
function M.is_automation(e)
  return aws.is_aws_service(e) or M.is_iac(e) or M.is_deployer(e)
end

-- True when a person made the call: not automation, and either a person's
-- identity type (IAM user, root, federated user), an IAM Identity Center
-- (SSO) role session, or any console session. Other role sessions (CI
-- runners, workloads) are not people, even when a person started them.
function M.is_human(e)
  local t = e["userIdentity.type"]
  local issuer

  if M.is_automation(e) then
    return false
  end
  if t == "IAMUser" or t == "Root" or t == "FederatedUser" then
    return true
  end
  if aws.is_console(e) then
    return true
  end
  issuer = text(e["userIdentity.sessionContext.sessionIssuer.arn"])
    or text(e["userIdentity.arn"]) or ""
  return t == "AssumedRole" and issuer:find("AWSReservedSSO_", 1, true) ~= nil
end

-- True when the caller uses an EC2 instance profile's credentials: the
-- session carries ec2RoleDelivery (IMDS version), or the role session is
-- named after an instance id, as EC2 names it.
-- (In C for the record's view: vigil.native.)
M.is_instance_session = native.is_instance_session(function(e)
  local arn = text(e["userIdentity.arn"]) or ""
  local id

  if e["userIdentity.type"] ~= "AssumedRole" then
    return false
  end
  if text(e["userIdentity.sessionContext.ec2RoleDelivery"]) then
    return true
  end
  -- ":assumed-role/<role>/i-<hex>" at the end, read with plain finds: the
  -- pattern search it replaces was costed by the sandbox on every role
  -- session of the credential rules (most of their time).
  local at = arn:find(":assumed-role/", 1, true)
  local slash = at and arn:find("/", at + 14, true)
  if not slash or slash == at + 14 or arn:sub(slash + 1, slash + 2) ~= "i-" then
    return false
  end
  id = arn:sub(slash + 3)
  return (#id == 8 or #id == 17) and not id:find("%X")
end)

-- ----------------------------------------------------------------- sharing

-- Site: accounts that are yours besides the one a record is delivered for
-- (other accounts of your organization, your backup account). Sharing with
-- them is not "with another account".
M.trusted_accounts = {}

-- True when `id` is listed in trusted_accounts.
function M.is_trusted_account(id)
  for _, a in ipairs(M.trusted_accounts) do
    if a == id then
      return true
    end
  end
  return false
end

-- True when `id` is the record's own account (the recipient, or the
-- caller's own account) or a trusted one.
function M.is_own_account(e, id)
  if id == nil then
    return false
  end
  return id == aws.account(e) or id == e["userIdentity.accountId"]
    or M.is_trusted_account(id)
end

-- The account id in an ARN ("arn:aws:rds:us-east-1:111122223333:..."), or nil.
function M.arn_account(arn)
  return type(arn) == "string" and arn:match("^arn:[^:]*:[^:]*:[^:]*:(%d+):") or nil
end

-- The region in an ARN, or nil (IAM and S3 ARNs have none).
function M.arn_region(arn)
  local r = type(arn) == "string" and arn:match("^arn:[^:]*:[^:]*:([^:]*):") or nil
  return text(r)
end

-- Who an EC2 snapshot or image permission change adds, read from
-- <attr>.add.items[] (createVolumePermission or launchPermission):
-- { public = bool, accounts = {...} (other accounts only), orgs = n }.
function M.added_grantees(e, attr)
  local items = e["requestParameters." .. attr .. ".add.items"]
  local res = { public = false, accounts = {}, orgs = 0 }

  for i = 1, items and #items or 0 do
    local it = items[i]
    if it.group == "all" then
      res.public = true
    elseif text(it.userId) and not M.is_own_account(e, it.userId) then
      res.accounts[#res.accounts + 1] = it.userId
    elseif text(it.organizationArn) or text(it.organizationalUnitArn) then
      res.orgs = res.orgs + 1
    end
  end
  return res
end

-- Values an RDS snapshot attribute change adds (valuesToAdd, a list of
-- account ids or "all"): { public = bool, accounts = {...} other accounts }.
function M.rds_added_grantees(e)
  local vals = e["requestParameters.valuesToAdd"]
  local res = { public = false, accounts = {} }

  if e["requestParameters.attributeName"] ~= "restore" then
    return res
  end
  for i = 1, vals and #vals or 0 do
    if vals[i] == "all" then
      res.public = true
    elseif text(vals[i]) and not M.is_own_account(e, vals[i]) then
      res.accounts[#res.accounts + 1] = vals[i]
    end
  end
  return res
end

-- The other account of a VPC peering request or acceptance, or nil when the
-- peer is the record's own account or a trusted one. CreateVpcPeeringConnection
-- names it in peerOwnerId (absent: the caller's account);
-- AcceptVpcPeeringConnection in the response's requesterVpcInfo.ownerId.
function M.peering_other_account(e)
  local other

  if e.eventName == "CreateVpcPeeringConnection" then
    other = text(e["requestParameters.peerOwnerId"])
  elseif e.eventName == "AcceptVpcPeeringConnection" then
    other = text(e["responseElements.vpcPeeringConnection.requesterVpcInfo.ownerId"])
  end
  if other == nil or M.is_own_account(e, other) then
    return nil
  end
  return other
end

-- --------------------------------------------------------- resource policies

-- Policies that CloudTrail records as a string (ECR policyText, Lambda
-- statement) as Lua values: vigil.data's decoder (vigil.json, in C), one
-- JSON reader for the pack. Returns the value, or nil and a message.
local json_decode = require("vigil.json").decode
M.json_decode = json_decode

-- Condition keys that tie a statement with a wildcard principal to your
-- organization, accounts, networks or calling resources. A statement with
-- any of them is scoped, not public.
M.scoping_condition_keys = {
  ["aws:principalorgid"] = true, ["aws:principalorgpaths"] = true,
  ["aws:principalaccount"] = true, ["aws:principalarn"] = true,
  ["aws:sourceaccount"] = true, ["aws:sourcearn"] = true,
  ["aws:sourceowner"] = true, ["aws:sourcevpc"] = true, ["aws:sourcevpce"] = true,
  ["aws:sourceip"] = true, ["aws:sourceorgid"] = true, ["aws:sourceorgpaths"] = true,
  ["aws:userid"] = true, ["aws:username"] = true,
}

local function list(v)
  if type(v) == "table" and v[1] ~= nil then
    return v
  end
  return { v }
end

local function wildcard_principal(p)
  if p == "*" then
    return true
  end
  if type(p) == "table" then
    for _, v in ipairs(list(p.AWS)) do
      if v == "*" then
        return true
      end
    end
  end
  return false
end

local function scoped(cond)
  if type(cond) ~= "table" then
    return false
  end
  for _, block in pairs(cond) do
    if type(block) == "table" then
      for key in pairs(block) do
        if M.scoping_condition_keys[tostring(key):lower()] then
          return true
        end
      end
    end
  end
  return false
end

-- The Sid (or position) of every Allow statement that lets anyone call:
-- Principal "*" or {"AWS": "*"} with no scoping condition. `policy` is a
-- JSON string, an event view or a Lua table; returns a list (empty when
-- none), or nil and a message when the policy cannot be read.
function M.public_statements(policy)
  local doc, err = policy, nil
  local out = {}

  if type(policy) == "userdata" then
    policy = tostring(policy)
  end
  if type(policy) == "string" then
    doc, err = json_decode(policy)
    if doc == nil then
      return nil, err
    end
  end
  if type(doc) ~= "table" then
    return nil, "policy is not an object"
  end
  for i, st in ipairs(list(doc.Statement)) do
    if type(st) == "table" and st.Effect == "Allow" and wildcard_principal(st.Principal)
        and not scoped(st.Condition) then
      out[#out + 1] = text(st.Sid) or ("#" .. i)
    end
  end
  return out
end

-- ------------------------------------------------------------ Lambda names

-- CloudTrail records most Lambda calls under versioned event names
-- (AddPermission20150331v2, DeleteFunction20150331); older records and some
-- tools show the bare name or another version. For each base name this
-- lists the bare name and the versions seen: "", 20150331, 20150331v2,
-- 20171031, 20181031, 20211031.
function M.lambda_names(bases)
  local out = {}

  for _, b in ipairs(bases) do
    for _, v in ipairs({ "", "20150331", "20150331v2", "20171031", "20181031",
                         "20211031" }) do
      out[#out + 1] = b .. v
    end
  end
  return out
end

-- What a Lambda AddPermission grants, read from its request:
-- { principal = "...", public = bool, other_account = id or nil }.
-- `public`: principal "*" not scoped by principalOrgID, sourceAccount or
-- sourceArn. `other_account`: the principal is an account id or an IAM ARN
-- of an account that is not ours.
function M.lambda_grant(e)
  local p = text(e["requestParameters.principal"])
  local res = { principal = p, public = false }
  local acct

  if p == "*" then
    res.public = not (text(e["requestParameters.principalOrgID"])
                      or text(e["requestParameters.sourceAccount"])
                      or text(e["requestParameters.sourceArn"]))
  elseif p then
    acct = p:match("^(%d%d%d%d%d%d%d%d%d%d%d%d)$") or p:match("^arn:[^:]+:iam::(%d+):")
    if acct and not M.is_own_account(e, acct) then
      res.other_account = acct
    end
  end
  return res
end

-- ------------------------------------------------ event sources watched

-- Services whose calls through a VPC endpoint CloudTrail can record as
-- network activity events (eventType AwsVpceEvent). AWS adds services over
-- time; a service missing here is not watched by the aws.vpc.* rules.
M.vpce_sources = {
  "cloudtrail.amazonaws.com", "ec2.amazonaws.com", "kms.amazonaws.com",
  "secretsmanager.amazonaws.com", "s3.amazonaws.com", "lambda.amazonaws.com",
  "dynamodb.amazonaws.com", "sts.amazonaws.com", "ssm.amazonaws.com",
  "sqs.amazonaws.com", "sns.amazonaws.com", "logs.amazonaws.com",
  "events.amazonaws.com", "ecr.amazonaws.com", "rds.amazonaws.com",
}

-- True for a network activity event recorded at a VPC endpoint.
function M.is_vpce_event(e)
  return e.eventType == "AwsVpceEvent" and text(e.vpcEndpointId) ~= nil
end

-- The caller's account on a VPC endpoint event when it is neither the
-- endpoint owner's nor a trusted account, else nil. Such records reach the
-- endpoint owner only: someone inside your network used another account's
-- credentials through your endpoint.
function M.vpce_external_caller(e)
  local caller = text(e["userIdentity.accountId"])
  local owner = text(e.vpcEndpointAccountId) or aws.account(e)

  if caller == nil or caller == owner or M.is_trusted_account(caller) then
    return nil
  end
  return caller
end

-- Services an intruder holding stolen instance credentials typically calls
-- first (identity checks, discovery, secrets, data, persistence). The SSM
-- agent channels (ssmmessages, ec2messages) are left out on purpose: the
-- agent talks to them from the instance's public address all day. A
-- service missing here is not watched by aws.ec2.instance_credentials_outside.
M.credential_use_sources = {
  "sts.amazonaws.com", "iam.amazonaws.com", "ec2.amazonaws.com",
  "s3.amazonaws.com", "secretsmanager.amazonaws.com", "ssm.amazonaws.com",
  "kms.amazonaws.com", "lambda.amazonaws.com", "dynamodb.amazonaws.com",
  "rds.amazonaws.com", "sqs.amazonaws.com", "sns.amazonaws.com",
  "logs.amazonaws.com", "cloudtrail.amazonaws.com", "ecr.amazonaws.com",
  "ecs.amazonaws.com", "eks.amazonaws.com", "organizations.amazonaws.com",
  "cloudformation.amazonaws.com", "guardduty.amazonaws.com",
  "codecommit.amazonaws.com", "glue.amazonaws.com", "athena.amazonaws.com",
}

return M
