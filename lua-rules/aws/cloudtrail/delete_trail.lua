-- A CloudTrail trail deleted.
--
-- Every successful DeleteTrail fires, AWS services included, for the same
-- reason as aws.cloudtrail.stop_logging. Refused or failed attempts go to
-- aws.cloudtrail.logging_tamper_failed (medium).
local aws = require "vigil.aws"

rule {
  id = "aws.cloudtrail.delete_trail",
  title = "CloudTrail trail deleted",
  severity = "critical",
  description = "A principal deleted a CloudTrail trail; its events are no longer delivered.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "DeleteTrail" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} deleted CloudTrail trail {requestParameters.name} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "DeleteTrail removes a trail and its configuration, and CloudTrail stops "
      .. "delivering its events at once. Log files already delivered stay in the S3 bucket "
      .. "unless they are deleted separately, but the trail's event selectors, CloudWatch "
      .. "Logs link and encryption settings are gone and must be rebuilt.",
    risks = {
      "Defense evasion (disable cloud logs): attackers delete trails before the actions "
        .. "they want to hide, sometimes after StopLogging failed.",
      "Detection blind spot: vigil and every other consumer of the trail receive nothing "
        .. "more from it.",
      "Compliance: CIS AWS Foundations Benchmark 3.1 (CloudTrail on in all regions) and "
        .. "4.5 (alarm on CloudTrail changes); PCI DSS v4.0 10.2.1 (audit logs enabled and "
        .. "active) and 10.2.1.6 (stopping or pausing of audit logs).",
    },
    console = {
      "1. CloudTrail > Trails > Create trail: recreate it with the same name and S3 "
        .. "bucket, multi-region on, log file validation on, and the former KMS key and "
        .. "CloudWatch Logs group (take them from your infrastructure code if you have it).",
      "2. S3: open the log bucket and check that old log files are still there and that "
        .. "its bucket policy and lifecycle rules were not changed.",
      "3. CloudTrail > Event history: filter on User name = the actor and read what they "
        .. "did before and after the delete.",
      "4. Unless the actor confirms the change, treat the credentials as compromised: "
        .. "deactivate the user's access keys or revoke the role's sessions.",
    },
    cli = {
      "aws cloudtrail create-trail --name <trail> --s3-bucket-name <log-bucket> "
        .. "--is-multi-region-trail --enable-log-file-validation",
      "aws cloudtrail start-logging --name <trail>",
      "aws cloudtrail describe-trails",
      "aws s3 ls s3://<log-bucket>/AWSLogs/<account-id>/CloudTrail/",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "trail deleted in the console", fires = true,
      event = "samples/delete_trail.json" },
    { name = "denied attempt belongs to logging_tamper_failed", fires = false,
      event = "samples/delete_trail_denied.json" },
    { name = "unknown trail belongs to logging_tamper_failed", fires = false,
      event = "samples/delete_trail_not_found.json" },
  },
}
