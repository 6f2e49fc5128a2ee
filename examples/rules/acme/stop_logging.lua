-- The first rule of docs/rules.md: one event, one condition, two tests.
local aws = require "vigil.aws"

rule {
  id = "acme.cloudtrail.stop_logging",
  title = "CloudTrail logging stopped",
  severity = "critical",
  description = "A trail was paused: nothing it covers is recorded until it restarts.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = { "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/"
                 .. "API_StopLogging.html" },
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" },
  when = function(e) return aws.succeeded(e) end,
  output = "{actor} stopped trail {requestParameters.name} in {region}",
  runbook = {
    about = "StopLogging pauses a trail; what happens until it restarts is not recorded.",
    risks = { "Defense evasion: the actor's next steps are missing from the audit log." },
    console = { "1. CloudTrail > Trails: open the trail and choose Start logging.",
                "2. Ask the actor why; if nobody planned it, treat the key as stolen." },
    cli = { "aws cloudtrail start-logging --name <trail>" },
  },
  tests = {
    { name = "trail stopped", event = "samples/stop_logging.json", fires = true,
      alert = { severity = "critical", message = "arn:aws:iam::111122223333:user/mallory "
                .. "stopped trail main in eu-west-1" } },
    { name = "refused call", fires = false,
      event = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging",
                eventTime = "2024-06-01T10:00:00Z", errorCode = "AccessDenied" } },
  },
}
