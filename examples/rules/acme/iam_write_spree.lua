-- Distinct count: one principal calling 10 different IAM write APIs
-- within 10 minutes.
local aws = require "vigil.aws"
local ev = require "acme.events"


rule {
  id = "acme.iam.write_spree",
  title = "Many different IAM changes by one principal",
  severity = "high",
  description = "10 distinct IAM write calls within 10 minutes from one principal.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation" },
  references = { "https://attack.mitre.org/techniques/T1098/" },
  on = { eventSource = "iam.amazonaws.com" },
  when = function(e)
    local name = e.eventName or ""
    return aws.succeeded(e) and not name:find("^Get") and not name:find("^List")
  end,
  distinct = { count = 10, window = "10m", field = "eventName" },
  output = "{actor} made 10 different IAM changes within 10 minutes",
  runbook = {
    about = "People change IAM one thing at a time; a script building access changes many.",
    risks = { "Persistence: new users, keys or trust policies an intruder can come back with." },
    console = { "1. CloudTrail > Event history: filter on the actor and review each change." },
    cli = { "aws cloudtrail lookup-events --lookup-attributes "
            .. "AttributeKey=Username,AttributeValue=<user>" },
  },
  tests = {
    { name = "10 different writes", events = ev.spree(ev.iam_writes), fires = true, alerts = 1,
      alert = { context = { distinct = { count = 10, window_seconds = 600 } } } },
    { name = "one write 10 times", fires = false,
      events = ev.series(10, 20, "iam.amazonaws.com", "TagRole") },
    { name = "reads do not count", fires = false,
      events = ev.spree({ "GetUser", "ListRoles", "GetRole", "ListUsers", "GetPolicy",
                       "ListPolicies", "GetGroup", "ListGroups", "GetAccountSummary",
                       "CreateUser" }) },
  },
}
