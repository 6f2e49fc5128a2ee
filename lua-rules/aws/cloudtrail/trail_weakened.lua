-- UpdateTrail left a trail recording less or protecting its files less.
--
-- UpdateTrail is split between two rules by what the call set: this one
-- (high) takes calls that switch off multi-region or global service events,
-- log file validation, KMS encryption, CloudWatch Logs delivery or the
-- organization trail (vigil.data.trail_weakenings); aws.cloudtrail.update_trail
-- (medium) takes every other successful change. Each call raises one alert.
-- Failed calls changed nothing and stay quiet. AWS services are not skipped:
-- a weaker trail matters whichever path made it, as for stop_logging.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.cloudtrail.trail_weakened",
  title = "CloudTrail trail settings weakened",
  severity = "high",
  description = "An UpdateTrail call switched off part of what a trail records or how its "
    .. "log files are protected.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "UpdateTrail" },
  when = function(e)
    return aws.succeeded(e) and #data.trail_weakenings(e) > 0
  end,
  output = "{actor} weakened CloudTrail trail {requestParameters.name} in {region}",
  context = function(e)
    return { changes = data.trail_weakenings(e), via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "UpdateTrail changes an existing trail in place. The trail keeps its name and "
      .. "still shows Logging on, so the change is easy to miss, but the call switched off "
      .. "one of: recording in every region (isMultiRegionTrail), global service events "
      .. "such as IAM and STS (includeGlobalServiceEvents), digest files that prove log "
      .. "files were not altered (enableLogFileValidation), KMS encryption of the files "
      .. "(kmsKeyId set to empty), delivery to CloudWatch Logs, or the organization-wide "
      .. "scope. The alert's context lists which.",
    risks = {
      "Defense evasion (disable cloud logs): with multi-region off, activity in the "
        .. "other regions is no longer recorded; attackers then work in a region nobody "
        .. "watches.",
      "Tampering goes unproven: without log file validation, edited or deleted log "
        .. "files cannot be shown to be altered.",
      "Detection blind spot: removing CloudWatch Logs delivery silences the metric "
        .. "filters and alarms built on it.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.1 (multi-region trail), 3.2 (log "
        .. "file validation) and 3.7 (KMS encryption of CloudTrail logs).",
    },
    console = {
      "1. CloudTrail > Trails: open the trail from the alert and choose Edit.",
      "2. Set the settings named in the alert's context back: Multi-region trail on, "
        .. "Log file validation Enabled, SSE-KMS encryption with the former key, "
        .. "CloudWatch Logs Enabled with the former log group; Save changes.",
      "3. For an organization trail, sign in to the management account and turn "
        .. "'Enable for all accounts in my organization' back on.",
      "4. CloudTrail > Event history: filter on User name = the actor and read their "
        .. "other calls, especially in regions the trail stopped covering.",
      "5. Unless the actor confirms the change, treat the credentials as compromised: "
        .. "deactivate the user's access keys or revoke the role's sessions.",
    },
    cli = {
      "aws cloudtrail describe-trails --trail-name-list <trail>",
      "aws cloudtrail update-trail --name <trail> --is-multi-region-trail "
        .. "--include-global-service-events --enable-log-file-validation "
        .. "--kms-key-id <key-arn>",
      "aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn "
        .. "<log-group-arn> --cloud-watch-logs-role-arn <role-arn>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --region <other-region>",
    },
  },
  tests = {
    { name = "multi-region and validation off", fires = true,
      event = "samples/update_trail_weakened.json",
      alert = { severity = "high",
                context = { changes = { "multi-region off", "log file validation off" },
                            via_console = false } } },
    { name = "encryption and CloudWatch Logs removed", fires = true,
      event = "samples/update_trail_no_kms_no_cwl.json",
      alert = { context = { changes = { "KMS encryption removed",
                                        "CloudWatch Logs delivery removed" },
                            via_console = false } } },
    { name = "organization trail made single-account", fires = true,
      event = "samples/update_trail_org_off.json" },
    { name = "CloudFormation weakening still fires", fires = true,
      event = "samples/update_trail_cfn.json" },
    { name = "new bucket only is update_trail's", fires = false,
      event = "samples/update_trail_bucket.json" },
    { name = "console save with safe settings", fires = false,
      event = "samples/update_trail_console_safe.json" },
    { name = "denied call", fires = false, event = "samples/update_trail_denied.json" },
  },
}
