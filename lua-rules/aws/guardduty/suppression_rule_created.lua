-- GuardDuty suppression rule created or changed (a filter with action ARCHIVE).
--
-- A suppression rule archives matching findings the moment they arrive, for
-- good, so nobody sees them. Filters that only save a view (action NOOP) stay
-- quiet. Failed calls and AWS services stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.guardduty.suppression_rule_created",
  title = "GuardDuty suppression rule created or changed",
  severity = "medium",
  description = "A principal created or changed a GuardDuty filter that archives matching "
    .. "findings automatically.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateFilter.html",
    "https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com", eventName = { "CreateFilter", "UpdateFilter" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and e["requestParameters.action"] == "ARCHIVE"
  end,
  output = "{actor} made a GuardDuty filter archive matching findings on arrival "
    .. "(detector {requestParameters.detectorId}, {region})",
  context = function(e)
    local crit = e["requestParameters.findingCriteria"]
    return { filter = e["requestParameters.name"] or e["requestParameters.filterName"],
             criteria = crit and tostring(crit) or nil, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A GuardDuty filter with the action ARCHIVE is a suppression rule: every new "
      .. "finding that matches its criteria is archived on arrival, is not sent to "
      .. "EventBridge or Security Hub as active, and never shows in the default findings "
      .. "view. Teams use them for known scanners; the alert's context shows the "
      .. "criteria.",
    risks = {
      "Defense evasion: criteria that match the attacker's finding types, instances or "
        .. "addresses hide every future finding about them.",
      "Suppressed findings are still stored, archived; nobody looks there by default.",
      "Compliance: PCI DSS 11.5.1 (intrusion detection alerts personnel) and SOC 2 CC7.3 "
        .. "(security events evaluated): suppressed findings are never evaluated.",
    },
    console = {
      "1. GuardDuty (in the region from the alert) > Findings > Suppression rules: open "
        .. "the rule from the alert and read its criteria.",
      "2. If the criteria are broad (whole finding types) or unknown, delete the rule.",
      "3. Findings > Archived: look for findings the rule has already archived.",
    },
    cli = {
      "aws guardduty list-filters --detector-id <detector-id> --region <region>",
      "aws guardduty get-filter --detector-id <detector-id> --filter-name <filter>",
      "aws guardduty delete-filter --detector-id <detector-id> --filter-name <filter>",
      "aws guardduty list-findings --detector-id <detector-id> --finding-criteria "
        .. "'{\"Criterion\":{\"service.archived\":{\"Eq\":[\"true\"]}}}'",
    },
  },
  tests = {
    { name = "suppression rule created", fires = true,
      event = "samples/create_filter_archive.json",
      alert = { severity = "medium",
                context = { filter = "noise-reduction", via_console = false,
                            criteria = "{\"criterion\":{\"type\":{\"eq\":[\"UnauthorizedAccess:"
                              .. "IAMUser/InstanceCredentialExfiltration.OutsideAWS\","
                              .. "\"Recon:IAMUser/MaliciousIPCaller\"]}}}" } } },
    { name = "filter changed to suppress", fires = true,
      event = "samples/update_filter_archive.json",
      alert = { context = { filter = "scanner-hosts", via_console = false } } },
    { name = "saved view only", fires = false, event = "samples/create_filter_noop.json" },
    { name = "denied call", fires = false, event = "samples/create_filter_archive_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/create_filter_archive_cfn.json" },
  },
}
