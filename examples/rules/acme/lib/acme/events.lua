-- Builds CloudTrail-shaped test events, so a stateful rule's tests can say
-- "20 denials a few seconds apart" in one line: require "acme.events".
local M = {}

M.mallory = "arn:aws:iam::111122223333:user/mallory"

-- The time `seconds` after 2024-06-01T10:00:00Z (under a day).
function M.at(seconds)
  return string.format("2024-06-01T%02d:%02d:%02dZ", 10 + seconds // 3600,
                       seconds // 60 % 60, seconds % 60)
end

-- One event: source, name, seconds after 10:00, actor ARN, extra fields.
function M.event(source, name, seconds, arn, extra)
  local e = {
    eventSource = source, eventName = name, eventTime = M.at(seconds),
    awsRegion = "eu-west-1", recipientAccountId = "111122223333",
    userIdentity = { type = "IAMUser", arn = arn or M.mallory },
  }
  for k, v in pairs(extra or {}) do e[k] = v end
  return e
end

-- n events of the same call, `every` seconds apart, from `start` on.
function M.series(n, every, source, name, arn, extra, start)
  local t = {}
  for i = 1, n do
    t[i] = M.event(source, name, (start or 0) + (i - 1) * every, arn, extra)
  end
  return t
end

-- Ten different IAM write calls.
M.iam_writes = { "CreateUser", "CreateRole", "AttachRolePolicy", "PutRolePolicy",
                 "CreateAccessKey", "AddUserToGroup", "UpdateAssumeRolePolicy",
                 "CreatePolicyVersion", "DeleteRolePolicy", "TagRole" }

-- One IAM call of each name, 20 seconds apart.
function M.spree(names, arn, extra)
  local t = {}
  for i, name in ipairs(names) do
    t[i] = M.event("iam.amazonaws.com", name, i * 20, arn, extra)
  end
  return t
end

-- The lists given, one after the other, in a new list.
function M.concat(...)
  local t = {}
  for _, list in ipairs({ ... }) do
    for _, e in ipairs(list) do t[#t + 1] = e end
  end
  return t
end

return M
