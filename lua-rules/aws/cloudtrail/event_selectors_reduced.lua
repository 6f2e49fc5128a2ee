-- PutEventSelectors that stops a trail recording some management events.
--
-- Management events are every control-plane call (IAM, trails, security
-- groups, secret reads); a trail can drop them all, keep only reads or only
-- writes, or exclude event sources, with basic or advanced selectors. Data
-- event changes alone do not fire. Failed calls changed nothing and stay
-- quiet. AWS services are not skipped: fewer management events blind every
-- other rule, whichever path made the change.
local aws = require "vigil.aws"
local data = require "vigil.data"

-- Basic selectors: management events are on unless includeManagementEvents
-- is false; readWriteType defaults to All. Coverage is the union over the
-- selectors; a source is excluded only when every selector excludes it.
local function basic_gaps(sels)
  local reads, writes, n = false, false, 0
  local excluded = nil
  for _, s in ipairs(sels) do
    if not data.is_false(s.includeManagementEvents) then
      local rw = s.readWriteType
      local these = {}
      n = n + 1
      reads = reads or rw ~= "WriteOnly"
      writes = writes or rw ~= "ReadOnly"
      for _, src in ipairs(data.list(s.excludeManagementEventSources)) do
        if excluded == nil or excluded[src] then
          these[src] = true
        end
      end
      excluded = these
    end
  end
  return n, reads, writes, excluded
end

-- Advanced selectors: a selector logs management events when its
-- eventCategory field equals Management; readOnly narrows it to reads or
-- writes; eventSource equals/notEquals narrow the sources.
local function advanced_gaps(sels, out)
  local reads, writes, n = false, false, 0
  local excluded = nil
  for _, s in ipairs(sels) do
    local mgmt, ro, these = false, nil, {}
    local limited = false
    for _, f in ipairs(data.list(s.fieldSelectors)) do
      if f.field == "eventCategory" then
        for _, v in ipairs(data.list(f.equals)) do
          mgmt = mgmt or v == "Management"
        end
      elseif f.field == "readOnly" then
        ro = data.list(f.equals)[1]
      elseif f.field == "eventSource" then
        for _, src in ipairs(data.list(f.notEquals)) do
          these[src] = true
        end
        limited = limited or #data.list(f.equals) > 0
      end
    end
    if mgmt then
      n = n + 1
      reads = reads or not data.is_false(ro)
      writes = writes or not data.is_true(ro)
      if limited then
        out[#out + 1] = "management events limited to some event sources"
      end
      if excluded ~= nil then
        for src in pairs(these) do
          these[src] = excluded[src]
        end
      end
      excluded = these
    end
  end
  return n, reads, writes, excluded
end

-- What the new selectors no longer record, as short phrases.
local function gaps(e)
  local out = {}
  local basic = data.list(e["requestParameters.eventSelectors"])
  local adv = data.list(e["requestParameters.advancedEventSelectors"])
  local n, reads, writes, excluded
  if #adv > 0 then
    n, reads, writes, excluded = advanced_gaps(adv, out)
  elseif #basic > 0 then
    n, reads, writes, excluded = basic_gaps(basic)
  else
    return out
  end
  if n == 0 then
    out[#out + 1] = "management events off"
    return out
  end
  if not writes then
    out[#out + 1] = "management write events off"
  end
  if not reads then
    out[#out + 1] = "management read events off"
  end
  local srcs = {}
  for src, yes in pairs(excluded or {}) do
    if yes then
      srcs[#srcs + 1] = src
    end
  end
  table.sort(srcs)
  for _, src in ipairs(srcs) do
    out[#out + 1] = "management events from " .. src .. " off"
  end
  return out
end

rule {
  id = "aws.cloudtrail.event_selectors_reduced",
  title = "CloudTrail trail stopped recording some management events",
  severity = "high",
  description = "A PutEventSelectors call left a trail without all management events: "
    .. "turned off, reads or writes only, or some event sources excluded.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "logging-management-events-with-cloudtrail.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "PutEventSelectors" },
  when = function(e)
    return aws.succeeded(e) and #gaps(e) > 0
  end,
  output = "{actor} reduced the management events trail {requestParameters.trailName} "
    .. "records in {region}",
  context = function(e)
    return { gaps = gaps(e), via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "PutEventSelectors replaces the whole list of what a trail records. Management "
      .. "events are the control-plane calls: IAM changes, trail and security-group "
      .. "changes, KMS key use, secret reads. The new selectors (basic or advanced) leave "
      .. "some of them out; the alert's context names the gap. The trail still shows "
      .. "Logging on, so nothing looks wrong until an investigation finds the hole.",
    risks = {
      "Defense evasion (disable cloud logs): with management events off, or writes off, "
        .. "the attacker's next changes are not recorded at all by this trail.",
      "Detection blind spot: every rule that reads this trail (IAM, logging, data "
        .. "rules) goes quiet for the events left out; excluding kms.amazonaws.com also "
        .. "hides ScheduleKeyDeletion and DisableKey, not just Decrypt.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.1 expects a multi-region trail "
        .. "recording all management events, reads and writes.",
    },
    console = {
      "1. CloudTrail > Trails: open the trail from the alert; under Management events "
        .. "choose Edit.",
      "2. Select Management events, API activity Read and Write, and clear 'Exclude AWS "
        .. "KMS events' and 'Exclude Amazon RDS Data API events' unless a documented "
        .. "decision keeps them; Save changes.",
      "3. If the trail uses advanced event selectors, make sure one selector has "
        .. "eventCategory equals Management with no readOnly or eventSource limit.",
      "4. CloudTrail > Event history (it keeps management events for 90 days whatever "
        .. "the trail does): filter on User name = the actor and read what they did "
        .. "after the change.",
    },
    cli = {
      "aws cloudtrail get-event-selectors --trail-name <trail>",
      "aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors "
        .. "'[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --start-time <change-time>",
    },
  },
  tests = {
    { name = "management events turned off", fires = true,
      event = "samples/put_event_selectors_no_management.json",
      alert = { severity = "high",
                context = { gaps = { "management events off" }, via_console = false } } },
    { name = "read-only management events", fires = true,
      event = "samples/put_event_selectors_read_only.json",
      alert = { context = { gaps = { "management write events off" },
                            via_console = false } } },
    { name = "write-only management events", fires = true,
      event = "samples/put_event_selectors_write_only.json",
      alert = { context = { gaps = { "management read events off" },
                            via_console = false } } },
    { name = "KMS events excluded", fires = true,
      event = "samples/put_event_selectors_exclude_kms.json",
      alert = { context = { gaps = { "management events from kms.amazonaws.com off" },
                            via_console = false } } },
    { name = "advanced selectors with data events only", fires = true,
      event = "samples/put_event_selectors_advanced_data_only.json",
      alert = { context = { gaps = { "management events off" }, via_console = false } } },
    { name = "advanced selectors excluding two sources", fires = true,
      event = "samples/put_event_selectors_advanced_exclude.json",
      alert = { context = { gaps = { "management events from kms.amazonaws.com off",
                                     "management events from rdsdata.amazonaws.com off" },
                            via_console = false } } },
    { name = "all management events plus S3 data events", fires = false,
      event = "samples/put_event_selectors_all.json" },
    { name = "advanced selectors keeping management events", fires = false,
      event = "samples/put_event_selectors_advanced_management.json" },
    { name = "denied call", fires = false, event = "samples/put_event_selectors_denied.json" },
  },
}
