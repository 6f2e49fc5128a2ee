-- A refused or failed attempt to stop or delete a trail.
--
-- Nothing changed, so this is a separate, lower-severity rule next to
-- stop_logging and delete_trail (critical). Any errorCode fires: AccessDenied
-- shows a caller without the right trying anyway, TrailNotFoundException shows
-- one guessing trail names. Both are intent to blind the logs.
local aws = require "vigil.aws"

rule {
  id = "aws.cloudtrail.logging_tamper_failed",
  title = "Failed attempt to stop or delete CloudTrail logging",
  severity = "medium",
  description = "A StopLogging or DeleteTrail call failed; someone tried to switch off "
    .. "audit logging.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html",
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = { "StopLogging", "DeleteTrail" } },
  when = function(e)
    return aws.failed(e)
  end,
  output = "{actor} tried {eventName} on trail {requestParameters.name} and got {errorCode}",
  context = function(e)
    return { error_code = e.errorCode, via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "A StopLogging or DeleteTrail call was refused (for example AccessDenied) or "
      .. "failed (for example TrailNotFoundException). Logging did not change, but someone "
      .. "tried to switch it off. Operators seldom hit these errors; attackers testing a "
      .. "stolen credential often do.",
    risks = {
      "Intent to evade defenses (disable cloud logs): the same actor may try other ways, "
        .. "such as UpdateTrail, PutEventSelectors, deleting the log bucket or another "
        .. "region.",
      "A caller guessing trail names (TrailNotFoundException) is mapping your logging "
        .. "setup.",
      "The credential is in use by someone probing its limits: the failed call is often "
        .. "the only visible trace of an intrusion that is otherwise read-only so far.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 4.5 (alarm on CloudTrail "
        .. "configuration changes); PCI DSS 10.3.2 (audit logs protected from modification).",
    },
    console = {
      "1. CloudTrail > Trails: check that every trail shows Logging on.",
      "2. CloudTrail > Event history: filter on User name = the actor and look at their "
        .. "other calls, especially other errors and IAM changes.",
      "3. Check with the actor's owner whether they ran this; compare the source IP and "
        .. "user agent with their usual ones.",
      "4. If nobody owns up, treat the credentials as compromised: deactivate the user's "
        .. "access keys or revoke the role's sessions.",
    },
    cli = {
      "aws cloudtrail get-trail-status --name <trail>",
      "aws cloudtrail describe-trails",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
    },
  },
  tests = {
    { name = "StopLogging denied", fires = true,
      event = "samples/stop_logging_denied.json" },
    { name = "DeleteTrail denied", fires = true,
      event = "samples/delete_trail_denied.json" },
    { name = "DeleteTrail on an unknown trail", fires = true,
      event = "samples/delete_trail_not_found.json" },
    { name = "successful StopLogging is the critical rule's", fires = false,
      event = "samples/stop_logging.json" },
    { name = "successful DeleteTrail is the critical rule's", fires = false,
      event = "samples/delete_trail.json" },
  },
}
