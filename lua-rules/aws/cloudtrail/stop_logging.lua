-- CloudTrail logging stopped on a trail.
--
-- Every successful StopLogging fires, AWS services included: no routine
-- automation should pause an audit trail, and one that does deserves a look.
-- A refused or failed attempt changed nothing but still shows intent: it is
-- aws.cloudtrail.logging_tamper_failed (medium), not this rule.
local aws = require "vigil.aws"

rule {
  id = "aws.cloudtrail.stop_logging",
  title = "CloudTrail logging stopped",
  severity = "critical",
  description = "A principal stopped a CloudTrail trail; its events are no longer delivered.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "StopLogging" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} stopped CloudTrail logging for trail {requestParameters.name} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "StopLogging suspends a trail: CloudTrail stops delivering its events to S3 and "
      .. "CloudWatch Logs until someone calls StartLogging. The trail and its settings stay, "
      .. "so the trail list still shows it and a glance does not reveal that nothing is "
      .. "being recorded. Events from the gap are never added to the trail later.",
    risks = {
      "Defense evasion (disable cloud logs): attackers stop logging right before the "
        .. "actions they want to hide.",
      "Detection blind spot: vigil and every other consumer of the trail receive nothing; "
        .. "data events from the gap are lost, and the 90-day Event history keeps only "
        .. "management events.",
      "Compliance: CIS AWS Foundations Benchmark 3.1 (CloudTrail on in all regions) and "
        .. "4.5 (alarm on CloudTrail changes); PCI DSS v4.0 10.2.1 (audit logs enabled and "
        .. "active) and 10.2.1.6 (stopping or pausing of audit logs).",
    },
    console = {
      "1. CloudTrail > Trails: open the trail from the alert and choose Start logging at "
        .. "once, unless a change ticket says otherwise.",
      "2. Go back to Trails and check that every trail, in every region, shows Logging on.",
      "3. CloudTrail > Event history (kept for 90 days, whatever the trails do): filter on "
        .. "User name = the actor and read what happened while logging was off.",
      "4. Look for more tampering by the same actor: UpdateTrail, PutEventSelectors, "
        .. "DeleteTrail, and changes to the log bucket's policy or lifecycle.",
      "5. Unless the actor confirms the change, treat the credentials as compromised: "
        .. "deactivate the user's access keys or revoke the role's sessions.",
    },
    cli = {
      "aws cloudtrail start-logging --name <trail>",
      "aws cloudtrail get-trail-status --name <trail>",
      "aws cloudtrail describe-trails",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --start-time <stop-time>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=cloudtrail.amazonaws.com",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
    },
  },
  tests = {
    { name = "user stops the organisation trail", fires = true,
      event = "samples/stop_logging.json" },
    { name = "stopped through CloudFormation still fires", fires = true,
      event = "samples/stop_logging_cfn.json" },
    { name = "denied attempt belongs to logging_tamper_failed", fires = false,
      event = "samples/stop_logging_denied.json" },
  },
}
