-- GuardDuty trusted IP list (IPSet) created or updated.
--
-- GuardDuty raises no finding for traffic from an active trusted IP list, so
-- adding an address there whitelists it against detection. Fires on every
-- successful CreateIPSet and UpdateIPSet, AWS services included: the effect
-- is the same whoever made it. DeleteIPSet only removes trust and is not
-- reported. Failed calls stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.guardduty.trusted_ip_list_changed",
  title = "GuardDuty trusted IP list created or changed",
  severity = "high",
  description = "A principal created or changed a GuardDuty trusted IP list; GuardDuty "
    .. "generates no findings for the addresses it holds.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateIPSet.html",
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateIPSet.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com", eventName = { "CreateIPSet", "UpdateIPSet" } },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} called {eventName} on GuardDuty detector {requestParameters.detectorId}: "
    .. "list at {requestParameters.location}",
  context = function(e)
    return { location = e["requestParameters.location"],
             activate = e["requestParameters.activate"], via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "A trusted IP list is a file in S3 of addresses and CIDR ranges that GuardDuty "
      .. "treats as safe: it raises no findings for activity from them. Teams use it for "
      .. "their office egress addresses. CreateIPSet adds a list, UpdateIPSet changes its "
      .. "file location or activates it. Only one trusted list can be active per "
      .. "detector, and it applies to every protection plan.",
    risks = {
      "Defense evasion (disable or modify tools): an attacker who adds their own "
        .. "addresses makes all later activity from them invisible to GuardDuty.",
      "The file in S3 can be edited later without another GuardDuty call; the bucket's "
        .. "write access decides who controls detection.",
      "Compliance: PCI DSS 11.5.1 (intrusion detection) and NIST 800-53 SI-4: traffic from "
        .. "trusted addresses raises no finding at all.",
    },
    console = {
      "1. GuardDuty (in the region from the alert) > Lists: open the trusted IP list and "
        .. "read its location.",
      "2. Download the file from S3 and check every address against your known egress "
        .. "ranges.",
      "3. If it holds unknown addresses, choose Deactivate (or Delete) on the list, and "
        .. "review findings you may have missed from those addresses in CloudTrail > "
        .. "Event history (filter on the source IP).",
      "4. Check who can write to the list's S3 object and restrict it to the security "
        .. "team.",
    },
    cli = {
      "aws guardduty list-ip-sets --detector-id <detector-id> --region <region>",
      "aws guardduty get-ip-set --detector-id <detector-id> --ip-set-id <ip-set-id>",
      "aws s3 cp <location> -",
      "aws guardduty update-ip-set --detector-id <detector-id> --ip-set-id <ip-set-id> "
        .. "--no-activate",
    },
  },
  tests = {
    { name = "trusted list created", fires = true, event = "samples/create_ip_set.json",
      alert = { severity = "high",
                context = { location = "https://s3.amazonaws.com/ops-scratch-4410/trusted.txt",
                            activate = true, via_console = false } } },
    { name = "trusted list moved to a new file", fires = true,
      event = "samples/update_ip_set.json" },
    { name = "denied call", fires = false, event = "samples/create_ip_set_denied.json" },
    { name = "trusted list deleted", fires = false, event = "samples/delete_ip_set.json" },
  },
}
