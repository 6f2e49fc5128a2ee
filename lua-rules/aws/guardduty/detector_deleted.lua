-- GuardDuty detector deleted.
--
-- Fires on every successful DeleteDetector, AWS services included: GuardDuty
-- is the account's threat detection, and a stack that deletes it removes it
-- as surely as a person. Failed calls changed nothing and stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.guardduty.detector_deleted",
  title = "GuardDuty detector deleted",
  severity = "high",
  description = "A principal deleted the GuardDuty detector; threat detection stops in this "
    .. "region and existing findings are deleted with it.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DeleteDetector.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com", eventName = "DeleteDetector" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} deleted GuardDuty detector {requestParameters.detectorId} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "A GuardDuty detector is GuardDuty in one region: it reads CloudTrail, VPC "
      .. "Flow Logs, DNS logs and other sources and raises findings on threats such as "
      .. "credential exfiltration, crypto-mining or reconnaissance. DeleteDetector turns "
      .. "GuardDuty off in the region and deletes the detector's findings and settings "
      .. "(trusted IP lists, threat lists, filters, export destinations).",
    risks = {
      "Defense evasion (disable or modify tools): activity from now on raises no "
        .. "GuardDuty finding in this region.",
      "Indicator removal: findings that may already describe the intrusion are deleted "
        .. "with the detector unless they were exported.",
      "Compliance: AWS Foundational Security Best Practices GuardDuty.1 (GuardDuty "
        .. "enabled).",
    },
    console = {
      "1. GuardDuty (in the region from the alert): the console offers Get started; "
        .. "choose Enable GuardDuty to create a new detector.",
      "2. Recreate the settings the old detector had: protection plans, trusted IP lists, "
        .. "threat lists, suppression rules and the findings export to S3.",
      "3. If the account is a member of an organization, ask the GuardDuty administrator "
        .. "account to re-add it.",
      "4. Look in the exported findings bucket (if any) for findings from before the "
        .. "delete, and in CloudTrail > Event history for the actor's other calls.",
      "5. Unless the actor confirms the change, treat the credentials as compromised.",
    },
    cli = {
      "aws guardduty list-detectors --region <region>",
      "aws guardduty create-detector --enable --finding-publishing-frequency "
        .. "FIFTEEN_MINUTES --region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --region <region>",
    },
  },
  tests = {
    { name = "detector deleted", fires = true, event = "samples/delete_detector.json",
      alert = { severity = "high", context = { via_console = false } } },
    { name = "deleted through CloudFormation still fires", fires = true,
      event = "samples/delete_detector_cfn.json" },
    { name = "denied call", fires = false, event = "samples/delete_detector_denied.json" },
  },
}
