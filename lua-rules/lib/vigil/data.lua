-- vigil.data: helpers for the logging, security-service and data rules
-- (aws/cloudtrail, config, guardduty, securityhub, accessanalyzer, macie,
-- waf, bedrock, s3, kms, secretsmanager, ssm, ses, ecr, codebuild).
--
-- The sandbox has no JSON library, and CloudTrail carries resource policies
-- both ways: S3 logs bucketPolicy as a JSON object, KMS and Secrets Manager
-- log the policy as a string. decode() and doc() turn either into plain Lua
-- tables so one policy reader serves every service.

local aws = require "vigil.aws"
local native = require "vigil.native"

local M = {}

-- Accounts you own besides the one the record was delivered for (other
-- accounts of your organisation, a log archive, a backup account). Grants and
-- copies to these are not "another account". Add from any rule file:
-- require("vigil.data").trusted_accounts["123456789012"] = true
M.trusted_accounts = {}

-- Lifecycle rules that delete data after this many days or fewer are
-- reported by aws.s3.lifecycle_short_expiration. Set it from any rule file:
-- require("vigil.data").short_expiration_days = 3
M.short_expiration_days = 7

-- Lua patterns matched against the lowercased file name of text-like objects
-- uploaded to S3 by aws.s3.ransom_note_uploaded. Add a family's naming with
-- table.insert(require("vigil.data").ransom_note_patterns, "pattern").
M.ransom_note_patterns = {
  "ransom",
  "decrypt",
  "recover[%W_]*%a*[%W_]*files",
  "restore[%W_]*%a*[%W_]*files",
  "your[%W_]*files",
  "files[%W_]*are[%W_]*encrypted",
  "^!+.*read[%W_]*me",
  "^_readme%.txt$",
}

---------------------------------------------------------------------------
-- JSON text to Lua values
---------------------------------------------------------------------------

-- The reader is vigil.json, in C (core/lua_jsonlib.c): a policy decoded
-- in Lua cost most of the policy rules' time.
local json = require "vigil.json"

-- Decodes JSON text. Returns the value, or nil and a message saying where
-- the text went wrong. JSON null becomes nil (an absent member; in an
-- array, an empty position).
function M.decode(s)
  return json.decode(s)
end

-- A JSON document from a CloudTrail field, whatever form it was logged in:
-- a string holding JSON, an object of the event (read through its text) or
-- an already decoded table. Returns nil for anything else or bad JSON.
function M.doc(v)
  if type(v) == "userdata" then
    v = tostring(v)
  end
  if type(v) == "string" then
    v = M.decode(v)
  end
  if type(v) == "table" then
    return v
  end
  return nil
end

---------------------------------------------------------------------------
-- Small readers
---------------------------------------------------------------------------

-- True when a JSON container (table or event view) is an array: its first
-- key is a position, or it has no keys at all.
local function is_array(v)
  for k in pairs(v) do
    return type(k) == "number"
  end
  return true
end

-- JSON "one or many": a scalar or a lone object becomes a one-element list;
-- an array (table or event view) is copied into a Lua list; nil becomes an
-- empty list.
function M.list(v)
  local out = {}
  if v == nil then
    return out
  end
  if (type(v) == "table" or type(v) == "userdata") and is_array(v) then
    for i = 1, #v do
      out[i] = v[i]
    end
    return out
  end
  out[1] = v
  return out
end

-- A list, or nil when it is empty: an empty Lua table would reach the alert
-- as {} (an object), so empty lists are left out of contexts instead.
function M.nonempty(t)
  if t == nil or next(t) == nil then
    return nil
  end
  return t
end

-- True for JSON true and for the strings CloudTrail sometimes logs instead.
function M.is_true(v)
  return v == true or v == "true" or v == "True" or v == "TRUE"
end

-- True for JSON false and its string forms. nil (absent) is not false.
function M.is_false(v)
  return v == false or v == "false" or v == "False" or v == "FALSE"
end

-- invokedBy values and source hosts that are people, not services.
local human_hosts = {
  ["signin.amazonaws.com"] = true,
  ["console.amazonaws.com"] = true,
}

-- True when AWS itself made the call: what vigil.aws.is_aws_service() says,
-- plus two shapes it does not cover. Trusted Advisor, Config and others call
-- through service-linked roles (AWSServiceRoleFor*) with no invokedBy, and
-- then name themselves in sourceIPAddress ("trustedadvisor.amazonaws.com").
function M.is_service_caller(e)
  local src = e.sourceIPAddress
  local issuer = e["userIdentity.sessionContext.sessionIssuer.userName"]
  if aws.is_aws_service(e) then
    return true
  end
  if type(src) == "string" and src:match("^[%w%-%.]+%.amazonaws%.com$")
      and not human_hosts[src] then
    return true
  end
  return type(issuer) == "string" and issuer:find("^AWSServiceRoleFor") ~= nil
end

-- True when an account id belongs to the site: the account the record was
-- delivered for, the caller's own account, or one in trusted_accounts.
function M.is_own_account(e, account)
  return account == aws.account(e) or account == e["userIdentity.accountId"]
    or M.trusted_accounts[account] == true
end

---------------------------------------------------------------------------
-- Resource policies
---------------------------------------------------------------------------

-- Condition keys that narrow who can use an "Allow *" statement, lowercased.
-- A statement limited by one of these (with a value that is not itself a
-- wildcard) is scoped to known networks, organisations, accounts or callers.
-- Keys that do not say who is calling (aws:SecureTransport, s3:prefix,
-- kms:ViaService alone) do not count.
M.scoping_keys = {
  ["aws:sourceip"] = true,
  ["aws:sourcevpc"] = true,
  ["aws:sourcevpce"] = true,
  ["aws:principalorgid"] = true,
  ["aws:principalorgpaths"] = true,
  ["aws:principalaccount"] = true,
  ["aws:principalarn"] = true,
  ["aws:principalservicename"] = true,
  ["aws:sourceaccount"] = true,
  ["aws:sourcearn"] = true,
  ["aws:sourceorgid"] = true,
  ["aws:sourceorgpaths"] = true,
  ["aws:sourceowner"] = true,
  ["aws:userid"] = true,
  ["aws:username"] = true,
  ["kms:calleraccount"] = true,
  ["s3:dataaccesspointaccount"] = true,
  ["s3:dataaccesspointarn"] = true,
}

-- A condition value that lets anyone through: "*", an ARN whose account
-- field is a wildcard (anyone can make a role with a matching name in their
-- own account), or the whole IPv4/IPv6 space.
local function open_value(v)
  local fields = {}
  if type(v) ~= "string" then
    return false
  end
  if v == "*" or v == "0.0.0.0/0" or v == "::/0" then
    return true
  end
  if v:sub(1, 4) ~= "arn:" or not v:find("*", 1, true) then
    return false
  end
  for f in (v .. ":"):gmatch("([^:]*):") do
    fields[#fields + 1] = f
  end
  -- arn:partition:service:region:account:...; a wildcard in the account, or
  -- an ARN cut short by a wildcard before it, matches every account.
  return #fields < 5 or fields[5]:find("*", 1, true) ~= nil
end

-- Only positive operators narrow the audience. Negated ones (StringNotEquals,
-- NotIpAddress, ArnNotLike) let in everyone outside the list; ...IfExists and
-- ForAllValues: pass when the key is absent from the request.
local function narrowing_operator(op)
  local base = op:gsub("^ForAnyValue:", "")
  return not base:find("Not") and not base:find("IfExists$")
    and not op:find("^ForAllValues:") and not base:find("^Null$")
end

-- True when a statement's Condition block scopes it to known callers.
local function scoped(cond)
  if type(cond) ~= "table" then
    return false
  end
  for op, keys in pairs(cond) do
    if type(op) == "string" and type(keys) == "table" and narrowing_operator(op) then
      for key, values in pairs(keys) do
        if type(key) == "string" and M.scoping_keys[key:lower()] then
          local all_closed = true
          local vs = M.list(values)
          for _, v in ipairs(vs) do
            if open_value(v) then
              all_closed = false
            end
          end
          if all_closed and #vs > 0 then
            return true
          end
        end
      end
    end
  end
  return false
end

-- The account id in an AWS principal: a bare 12-digit id or an IAM/STS ARN.
local function principal_account(p)
  if type(p) ~= "string" then
    return nil
  end
  return p:match("^(%d%d%d%d%d%d%d%d%d%d%d%d)$")
    or p:match("^arn:[%w%-]+:iam::(%d+):") or p:match("^arn:[%w%-]+:sts::(%d+):")
end

-- Reads the principals of one statement into the result: wildcard (everyone)
-- and the account ids named under "AWS".
local function principals(st, everyone, accounts)
  local p = st.Principal
  if st.NotPrincipal ~= nil then
    everyone[1] = true -- Allow + NotPrincipal: everyone except a few
    return
  end
  if p == "*" then
    everyone[1] = true
    return
  end
  if type(p) ~= "table" then
    return
  end
  for _, v in ipairs(M.list(p.AWS)) do
    if v == "*" then
      everyone[1] = true
    else
      local acct = principal_account(v)
      if acct then
        accounts[#accounts + 1] = acct
      end
    end
  end
end

-- Who a resource policy lets in, for Allow statements only.
-- Returns a table:
--   public    true when some Allow statement has a wildcard principal and no
--             condition that scopes it (see scoping_keys)
--   accounts  sorted, de-duplicated account ids named as AWS principals
--   sids      the Sid (or position) of each statement that made it public
-- or nil when the policy is missing or is not valid JSON.
function M.policy_access(policy)
  local doc = M.doc(policy)
  local out = { public = false, accounts = {}, sids = {} }
  local seen = {}
  if not doc then
    return nil
  end
  for i, st in ipairs(M.list(doc.Statement)) do
    if type(st) == "table" and st.Effect == "Allow" then
      local everyone, accounts = {}, {}
      principals(st, everyone, accounts)
      if everyone[1] and not scoped(st.Condition) then
        out.public = true
        out.sids[#out.sids + 1] = type(st.Sid) == "string" and st.Sid or ("#" .. i)
      end
      for _, a in ipairs(accounts) do
        if not seen[a] then
          seen[a] = true
          out.accounts[#out.accounts + 1] = a
        end
      end
    end
  end
  table.sort(out.accounts)
  return out
end

-- Account ids a policy grants to that are not the site's own (see
-- is_own_account), sorted.
function M.foreign_accounts(e, access)
  local out = {}
  for _, a in ipairs(access and access.accounts or {}) do
    if not M.is_own_account(e, a) then
      out[#out + 1] = a
    end
  end
  return out
end

---------------------------------------------------------------------------
-- CloudTrail
---------------------------------------------------------------------------

-- UpdateTrail settings that leave a trail recording less, or protecting its
-- files less, checked against the values the call set. Only named settings
-- count: UpdateTrail leaves out what it does not change, while the console
-- sends every setting on each save, so an unchanged weak setting saved again
-- from the console is reported as well (it is still weak).
local trail_checks = {
  { "isMultiRegionTrail", false, "multi-region off" },
  { "enableLogFileValidation", false, "log file validation off" },
  { "includeGlobalServiceEvents", false, "global service events off" },
  { "isOrganizationTrail", false, "organization trail off" },
  { "kmsKeyId", "", "KMS encryption removed" },
  { "cloudWatchLogsLogGroupArn", "", "CloudWatch Logs delivery removed" },
}

-- The weakening changes an UpdateTrail record makes, as a list of short
-- phrases (empty when none).
function M.trail_weakenings(e)
  local out = {}
  for _, c in ipairs(trail_checks) do
    local v = e["requestParameters." .. c[1]]
    if (c[2] == false and M.is_false(v)) or (c[2] == "" and v == "") then
      out[#out + 1] = c[3]
    end
  end
  return out
end

---------------------------------------------------------------------------
-- S3
---------------------------------------------------------------------------

-- The two S3 ACL groups that mean "outside your account".
local public_groups = {
  ["http://acs.amazonaws.com/groups/global/AllUsers"] = "AllUsers",
  ["http://acs.amazonaws.com/groups/global/AuthenticatedUsers"] = "AuthenticatedUsers",
}

local public_canned = {
  ["public-read"] = true,
  ["public-read-write"] = true,
  ["authenticated-read"] = true,
}

local grant_headers = {
  { "x-amz-grant-read", "READ" },
  { "x-amz-grant-write", "WRITE" },
  { "x-amz-grant-read-acp", "READ_ACP" },
  { "x-amz-grant-write-acp", "WRITE_ACP" },
  { "x-amz-grant-full-control", "FULL_CONTROL" },
}

-- The public grants an S3 ACL call makes, in the three forms CloudTrail
-- logs: a canned ACL (x-amz-acl), grant headers (x-amz-grant-read:
-- uri="...AllUsers"), or an AccessControlPolicy document. Returns phrases
-- such as "AllUsers READ" or "canned public-read" (empty when none).
function M.public_acl_grants(e)
  local out = {}
  local rp = e.requestParameters
  if type(rp) ~= "userdata" and type(rp) ~= "table" then
    return out
  end
  for _, v in ipairs(M.list(rp["x-amz-acl"])) do
    if public_canned[v] then
      out[#out + 1] = "canned " .. v
    end
  end
  for _, h in ipairs(grant_headers) do
    for _, v in ipairs(M.list(rp[h[1]])) do
      for uri, name in pairs(public_groups) do
        if type(v) == "string" and v:find(uri, 1, true) then
          out[#out + 1] = name .. " " .. h[2]
        end
      end
    end
  end
  local grants = e["requestParameters.AccessControlPolicy.AccessControlList.Grant"]
  for _, g in ipairs(M.list(grants)) do
    local grantee = g.Grantee
    local name = grantee and public_groups[grantee.URI]
    if name then
      out[#out + 1] = name .. " " .. tostring(g.Permission)
    end
  end
  return out
end

local pab_settings = { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                       "RestrictPublicBuckets" }

-- The Block Public Access settings a Put*PublicAccessBlock call leaves off
-- (S3 treats an omitted setting as false), or { "all" } for a Delete*.
function M.public_access_block_off(e)
  local out = {}
  local cfg = e["requestParameters.PublicAccessBlockConfiguration"]
  if type(e.eventName) == "string" and e.eventName:find("^Delete") then
    return { "all" }
  end
  if cfg == nil then
    return out
  end
  for _, k in ipairs(pab_settings) do
    if not M.is_true(cfg[k]) then
      out[#out + 1] = k
    end
  end
  return out
end

-- The owner account CloudTrail recorded for a bucket: resources[] lists
-- every bucket a call touched with its owner's accountId.
function M.bucket_owner(e, bucket)
  local res = e.resources
  if type(bucket) ~= "string" or res == nil then
    return nil
  end
  for i = 1, #res do
    local r = res[i]
    local arn = r.ARN or r.arn
    if r.type == "AWS::S3::Bucket" and type(arn) == "string"
        and arn:match("^arn:[%w%-]+:s3:::(.*)$") == bucket then
      return r.accountId
    end
  end
  return nil
end

---------------------------------------------------------------------------
-- Secrets Manager and SSM
---------------------------------------------------------------------------

-- A secret's name from a secretId, which callers give as a name or as an
-- ARN ending in "-" and six random characters; both spell the same secret.
function M.secret_name(id)
  if type(id) ~= "string" or id == "" then
    return nil
  end
  local name = id:match("^arn:[%w%-]+:secretsmanager:[^:]*:%d*:secret:(.+)$")
  if name then
    -- the suffix tested where it must be, not searched for from every byte
    if #name >= 7 and name:find("^%-%w%w%w%w%w%w$", #name - 6) then
      return name:sub(1, #name - 7)
    end
    return name
  end
  return id
end

-- What one secret read touched, for counting distinct secrets: the secret
-- of GetSecretValue; for BatchGetSecretValue, its sorted secret names, else
-- its filters as text (one value per call: see retrieval_burst.lua).
-- (vigil.native reads a GetSecretValue's secretId in C, the same key.)
M.secret_target = native.secret_target(function(e)
  local names = {}
  local id = M.secret_name(e["requestParameters.secretId"])
  if id then
    return id
  end
  for _, v in ipairs(M.list(e["requestParameters.secretIdList"])) do
    names[#names + 1] = M.secret_name(v)
  end
  if #names > 0 then
    table.sort(names)
    return table.concat(names, ",")
  end
  for _, f in ipairs(M.list(e["requestParameters.filters"])) do
    local vals = {}
    for _, v in ipairs(M.list(f.values)) do
      vals[#vals + 1] = tostring(v)
    end
    names[#names + 1] = tostring(f.key) .. "=" .. table.concat(vals, "|")
  end
  if #names > 0 then
    return "filters:" .. table.concat(names, ";")
  end
  return nil
end)

-- True when every filter of a BatchGetSecretValue is a negation ("!x"), so
-- the call asks for every secret the caller may read (a filter with a
-- positive value narrows it). No filters and no id list is not a valid call.
function M.selects_all_secrets(e)
  local filters = M.list(e["requestParameters.filters"])
  if #filters == 0 or e["requestParameters.secretIdList"] ~= nil then
    return false
  end
  for _, f in ipairs(filters) do
    local vals = M.list(type(f) ~= "string" and f.values or nil)
    if #vals == 0 then
      return false
    end
    for _, v in ipairs(vals) do
      if type(v) ~= "string" or v:sub(1, 1) ~= "!" then
        return false
      end
    end
  end
  return true
end

-- True when an SSM parameter read asked for decrypted SecureString values.
function M.decrypts(e)
  return M.is_true(e["requestParameters.withDecryption"])
end

-- The parameter names an SSM read named: GetParameter's name, GetParameters'
-- names, or GetParametersByPath's path (with "/*" when recursive).
function M.parameter_names(e)
  local out = {}
  local name = e["requestParameters.name"]
  local path = e["requestParameters.path"]
  if type(name) == "string" then
    out[1] = name
  elseif type(path) == "string" then
    if M.is_true(e["requestParameters.recursive"]) then
      path = path .. (path:sub(-1) == "/" and "*" or "/*")
    end
    out[1] = path
  else
    for _, v in ipairs(M.list(e["requestParameters.names"])) do
      if type(v) == "string" then
        out[#out + 1] = v
      end
    end
  end
  if #out > 1 then -- most reads name one parameter: no sort to call
    table.sort(out)
  end
  return out
end

-- One value per SSM read for counting distinct parameters (see
-- aws.ssm.decrypted_parameter_burst for what that misses).
-- (vigil.native reads a GetParameter's name in C, the same key.)
M.parameter_target = native.parameter_target(function(e)
  local names = M.parameter_names(e)
  return #names > 0 and table.concat(names, ",") or nil
end)

---------------------------------------------------------------------------
-- Resource policies of other services (SQS, SNS, OpenSearch, ECR...)
---------------------------------------------------------------------------

-- Who a resource policy set by a successful call lets in that is not ours:
-- { public, sids, accounts } when it is public or names outside accounts,
-- else nil (also for a failed call or a policy that is not valid JSON).
function M.policy_exposure(e, policy)
  local a = aws.succeeded(e) and M.policy_access(policy)
  if not a then
    return nil
  end
  local foreign = M.foreign_accounts(e, a)
  if not a.public and #foreign == 0 then
    return nil
  end
  return { public = a.public, sids = a.sids, accounts = foreign }
end

return M
