-- GuardDuty detector suspended (UpdateDetector with enable false).
--
-- UpdateDetector also changes protection plans and the publishing frequency;
-- only enable=false fires here. Protection plans switched off while the
-- detector stays on are aws.guardduty.protection_disabled. Fires for AWS
-- services too, as detector_deleted does. Failed calls stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.guardduty.detector_disabled",
  title = "GuardDuty detector suspended",
  severity = "high",
  description = "A principal suspended the GuardDuty detector; it stops analysing data and "
    .. "raising findings in this region.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateDetector.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com", eventName = "UpdateDetector" },
  when = function(e)
    return aws.succeeded(e) and data.is_false(e["requestParameters.enable"])
  end,
  output = "{actor} suspended GuardDuty detector {requestParameters.detectorId} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "UpdateDetector with enable set to false suspends GuardDuty in the region: "
      .. "the detector, its findings and settings remain, but it stops reading its data "
      .. "sources and raises no new findings. Unlike a delete, this is quiet: the console "
      .. "still lists the detector and the old findings.",
    risks = {
      "Defense evasion (disable or modify tools): threats from now on raise no GuardDuty "
        .. "finding in this region.",
      "A suspended detector is easy to overlook because nothing disappears.",
      "Compliance: AWS Foundational Security Best Practices GuardDuty.1 (GuardDuty "
        .. "enabled).",
    },
    console = {
      "1. GuardDuty (in the region from the alert) > Settings: under Suspend GuardDuty, "
        .. "choose Re-enable GuardDuty.",
      "2. GuardDuty > Findings: filter on the time since the suspension; nothing will be "
        .. "there for that gap, so review CloudTrail > Event history for the actor instead.",
      "3. Unless the actor confirms the change, treat the credentials as compromised.",
    },
    cli = {
      "aws guardduty get-detector --detector-id <detector-id> --region <region>",
      "aws guardduty update-detector --detector-id <detector-id> --enable --region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --region <region>",
    },
  },
  tests = {
    { name = "detector suspended", fires = true, event = "samples/update_detector_disable.json",
      alert = { severity = "high", context = { via_console = false } } },
    { name = "publishing frequency changed", fires = false,
      event = "samples/update_detector_frequency.json" },
    { name = "protection plan off is protection_disabled's", fires = false,
      event = "samples/update_detector_features_off.json" },
    { name = "denied call", fires = false,
      event = "samples/update_detector_disable_denied.json" },
  },
}
