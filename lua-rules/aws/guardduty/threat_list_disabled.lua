-- GuardDuty threat list deactivated or deleted.
--
-- A threat list adds known-bad addresses for GuardDuty to flag; deactivating
-- or deleting one removes that detection. Creating or activating a list adds
-- detection and stays quiet, and so does an update that only moves the list
-- to a new file: security teams rotate feed files daily, and the record does
-- not show the file's content. A list emptied that way is not caught here; a
-- rule on writes to the feed bucket would catch it. Failed calls and AWS
-- services stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.guardduty.threat_list_disabled",
  title = "GuardDuty threat list deactivated or deleted",
  severity = "medium",
  description = "A principal deactivated or deleted a GuardDuty threat intelligence list; "
    .. "traffic to or from its addresses is no longer flagged as such.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateThreatIntelSet.html",
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DeleteThreatIntelSet.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com",
         eventName = { "UpdateThreatIntelSet", "DeleteThreatIntelSet" } },
  when = function(e)
    if not aws.succeeded(e) or aws.is_aws_service(e) then
      return false
    end
    return e.eventName == "DeleteThreatIntelSet"
      or data.is_false(e["requestParameters.activate"])
  end,
  output = "{actor} called {eventName} for threat list {requestParameters.threatIntelSetId} "
    .. "in {region}",
  context = function(e)
    return { deleted = e.eventName == "DeleteThreatIntelSet", via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A GuardDuty threat list is a file in S3 of known-malicious addresses (your "
      .. "own intelligence or a feed). GuardDuty raises a finding when your resources "
      .. "talk to them. UpdateThreatIntelSet with activate false stops using the list; "
      .. "DeleteThreatIntelSet removes it.",
    risks = {
      "Defense evasion (disable or modify tools): connections to the attacker's "
        .. "infrastructure no longer match your own intelligence.",
      "Loss of tailored detection that GuardDuty's built-in intelligence does not "
        .. "cover.",
      "Compliance: PCI DSS 11.5.1 (intrusion detection) and NIST 800-53 SI-4 / SI-5 "
        .. "(monitoring with threat intelligence).",
    },
    console = {
      "1. GuardDuty (in the region from the alert) > Lists > Threat IP lists: find the "
        .. "list from the alert.",
      "2. If it was deactivated, select it and choose Activate; if it was deleted, add "
        .. "it again with Add a threat IP list and the feed's S3 location.",
      "3. Ask the actor or the feed's owner whether the change was planned.",
    },
    cli = {
      "aws guardduty list-threat-intel-sets --detector-id <detector-id> --region <region>",
      "aws guardduty update-threat-intel-set --detector-id <detector-id> "
        .. "--threat-intel-set-id <id> --activate",
      "aws guardduty create-threat-intel-set --detector-id <detector-id> --name <name> "
        .. "--format TXT --location <s3-url> --activate",
    },
  },
  tests = {
    { name = "threat list deactivated", fires = true,
      event = "samples/update_threat_intel_set_inactive.json",
      alert = { severity = "medium", context = { deleted = false, via_console = false } } },
    { name = "threat list deleted", fires = true,
      event = "samples/delete_threat_intel_set.json",
      alert = { context = { deleted = true, via_console = false } } },
    { name = "feed file rotated", fires = false,
      event = "samples/update_threat_intel_set_location.json" },
    { name = "threat list activated", fires = false,
      event = "samples/update_threat_intel_set_activate.json" },
    { name = "threat list created", fires = false,
      event = "samples/create_threat_intel_set.json" },
    { name = "denied call changed nothing", fires = false,
      event = "samples/update_threat_intel_set_inactive_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/update_threat_intel_set_inactive_cfn.json" },
  },
}
