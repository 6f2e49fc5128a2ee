-- A noisy rule: examples/rules/overrides turns it off for us.
rule {
  id = "acme.recon.caller_identity",
  title = "Caller identity checked",
  severity = "info",
  description = "GetCallerIdentity: the first call of anyone trying a found key.",
  tags = { "attack.t1087.004", "attack.discovery" },
  references = { "https://docs.aws.amazon.com/STS/latest/APIReference/"
                 .. "API_GetCallerIdentity.html" },
  on = { eventSource = "sts.amazonaws.com", eventName = "GetCallerIdentity" },
  output = "{actor} asked who it is",
  runbook = {
    about = "Harmless alone; a key's first use after a leak often starts here.",
    risks = { "Discovery: the caller learns the account and principal behind a key." },
    console = { "1. CloudTrail > Event history: what did the actor do next?" },
    cli = { "aws cloudtrail lookup-events --lookup-attributes "
            .. "AttributeKey=AccessKeyId,AttributeValue=<key>" },
  },
  tests = {
    { name = "any call", fires = true,
      event = { eventSource = "sts.amazonaws.com", eventName = "GetCallerIdentity",
                eventTime = "2024-06-01T10:00:00Z" } },
    { name = "another call", fires = false,
      event = { eventSource = "sts.amazonaws.com", eventName = "AssumeRole",
                eventTime = "2024-06-01T10:00:00Z" } },
  },
}
