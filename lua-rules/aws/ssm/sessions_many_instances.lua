-- One principal opening sessions or running commands on many instances.
--
-- Session Manager and Run Command give a shell on an instance without SSH;
-- a stolen key with ssm:StartSession or ssm:SendCommand moves laterally
-- across the fleet this way. Administrators open a few sessions; 5 distinct
-- targets in 30 minutes by one principal is a sweep. Fleet-wide patching
-- through SendCommand with tag targets names no instance and is not counted
-- (a tag can stand for the whole fleet; which instances it reached is only
-- in the command's invocations, not in this record).
-- Denied attempts count (probing is the same behaviour); AWS services
-- (State Manager, Patch Manager running as the service) are skipped.
--
-- Known limit: one value per event, so a SendCommand listing 20 instance ids
-- counts once (its sorted id list).
local aws = require "vigil.aws"
local data = require "vigil.data"

local function target(e)
  local t = e["requestParameters.target"]
  local ids = {}
  if type(t) == "string" and t ~= "" then
    return t
  end
  for _, v in ipairs(data.list(e["requestParameters.instanceIds"])) do
    ids[#ids + 1] = tostring(v)
  end
  table.sort(ids)
  if #ids > 0 then
    return table.concat(ids, ",")
  end
  return nil
end

local function session(i, opts)
  return { eventSource = "ssm.amazonaws.com",
           eventName = opts.command and "SendCommand" or "StartSession",
           eventTime = string.format("2024-03-14T12:%02d:00Z", (i - 1) * (opts.step or 2)),
           errorCode = opts.denied and "AccessDeniedException" or nil,
           userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/"
                            .. ((opts.two and i % 2 == 0) and "bob" or "alice"),
                            invokedBy = opts.service and "ssm.amazonaws.com" or nil },
           requestParameters = opts.command
             and { documentName = "AWS-RunShellScript", instanceIds = { "i-0" .. i } }
             or { target = "i-0" .. (opts.same and 1 or i) } }
end

local function tagged(minute)
  return { eventSource = "ssm.amazonaws.com", eventName = "SendCommand",
           eventTime = string.format("2024-03-14T12:%02d:00Z", minute),
           userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/alice" },
           requestParameters = { documentName = "AWS-RunPatchBaseline",
             targets = { { key = "tag:env", values = { "prod" .. minute } } } } }
end

local function sessions(n, opts)
  local out = {}
  for i = 1, n do
    out[i] = session(i, opts)
  end
  return out
end

rule {
  id = "aws.ssm.sessions_many_instances",
  title = "SSM sessions or commands on many instances by one principal",
  severity = "medium",
  description = "One principal called StartSession or SendCommand on 5 or more different "
    .. "instance targets within 30 minutes.",
  tags = { "attack.t1021", "attack.t1021.007", "attack.lateral_movement", "attack.t1651",
           "attack.execution" },
  references = {
    "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartSession.html",
    "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html",
    "https://attack.mitre.org/techniques/T1651/",
  },
  on = { eventSource = "ssm.amazonaws.com", eventName = { "StartSession", "SendCommand" } },
  when = function(e)
    return not aws.is_aws_service(e)
  end,
  distinct = { count = 5, window = "30m", field = target },
  dedup = { window = "2h" },
  output = "{actor} opened sessions or ran commands on 5 or more instances within 30 minutes",
  context = function(e)
    return { last_target = target(e), last_call_denied = aws.failed(e) }
  end,
  runbook = {
    about = "StartSession opens an interactive Session Manager shell on a managed instance; "
      .. "SendCommand runs a document (often AWS-RunShellScript) on instances. The same "
      .. "principal reached at least 5 different targets within 30 minutes.",
    risks = {
      "Lateral movement and execution: shell access on many hosts, with their instance "
        .. "roles' credentials one metadata call away.",
      "Data access on every host reached.",
      "Compliance: SOC 2 CC6.1 / CC6.2 and PCI DSS 8.2 / 10.2.2 (administrative access "
        .. "logged and reviewed).",
    },
    console = {
      "1. Systems Manager > Session Manager > Session history (and Run Command > Command "
        .. "history): filter on the actor, list targets and commands.",
      "2. Confirm with the principal's owner whether this was maintenance.",
      "3. If not: Session Manager > Sessions: Terminate the active sessions; deactivate the "
        .. "user's keys or revoke the role's sessions in IAM.",
      "4. On each instance reached, review shell history and Session Manager logs (S3 / "
        .. "CloudWatch Logs) for what was run.",
    },
    cli = {
      "aws ssm describe-sessions --state Active --filters key=Owner,value=<principal-arn>",
      "aws ssm terminate-session --session-id <session-id>",
      "aws ssm list-commands --filters key=InvokedAfter,value=<start>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
    },
  },
  tests = {
    { name = "5 instances in 8 minutes", fires = true, alerts = 1, events = sessions(5, {}),
      alert = { context = { last_target = "i-05", last_call_denied = false,
                            distinct = { count = 5, window_seconds = 1800 } } } },
    { name = "commands on 5 instances", fires = true,
      events = sessions(5, { command = true }) },
    { name = "one instance many times", fires = false, events = sessions(8, { same = true }) },
    { name = "5 instances over 2 hours", fires = false, events = sessions(5, { step = 30 }) },
    { name = "two principals", fires = false, events = sessions(6, { two = true }) },
    { name = "denied attempts count", fires = true, events = sessions(5, { denied = true }) },
    { name = "the service itself", fires = false, events = sessions(5, { service = true }) },
    { name = "tag-targeted commands are not counted", fires = false,
      events = { tagged(0), tagged(1), tagged(2), tagged(3), tagged(4) } },
  },
}
