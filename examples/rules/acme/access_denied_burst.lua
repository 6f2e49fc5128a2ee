-- Threshold: 20 access-denied errors from one principal within 5 minutes.
local aws = require "vigil.aws"
local ev = require "acme.events"

local function denied(n, every, arn)
  return ev.series(n, every, "s3.amazonaws.com", "GetObject", arn,
                   { errorCode = "AccessDenied" })
end

rule {
  id = "acme.auth.access_denied_burst",
  title = "Burst of access-denied errors",
  severity = "medium",
  description = "One principal was refused 20 times within 5 minutes: a stolen key probing.",
  tags = { "attack.t1580", "attack.discovery" },
  references = { "https://attack.mitre.org/techniques/T1580/" },
  on = { eventSource = { "s3.amazonaws.com", "iam.amazonaws.com", "ec2.amazonaws.com" } },
  when = function(e) return (e.errorCode or ""):find("AccessDenied", 1, true) ~= nil end,
  threshold = { count = 20, window = "5m" },          -- key: the actor, by default
  output = "{actor} was refused 20 times within 5 minutes (last: {eventName})",
  runbook = {
    about = "Refusals in a burst mean something is trying calls its policy does not allow.",
    risks = { "A stolen credential being used to map what it can reach." },
    console = { "1. CloudTrail > Event history: filter on the actor; look at what it tried." },
    cli = { "aws iam list-access-keys --user-name <user>" },
  },
  tests = {
    { name = "20 in 95 seconds", events = denied(20, 5), fires = true, alerts = 1,
      alert = { context = { threshold = { count = 20, window_seconds = 300 } } } },
    { name = "19 only", events = denied(19, 5), fires = false },
    { name = "20 over 10 minutes", events = denied(20, 30), fires = false },
    { name = "two principals, 10 each", fires = false,
      events = ev.concat(denied(10, 5), denied(10, 5, "arn:aws:iam::111122223333:user/bob")) },
  },
}
