-- Amazon Macie suppression rule created or changed (findings filter with
-- action ARCHIVE).
--
-- A suppression rule archives matching findings on arrival. Saved views
-- (action NOOP) stay quiet, as do failed calls and AWS services.
local aws = require "vigil.aws"

rule {
  id = "aws.macie.findings_suppressed",
  title = "Amazon Macie suppression rule created or changed",
  severity = "medium",
  description = "A principal created or changed a Macie findings filter that archives "
    .. "matching findings automatically.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/macie/latest/APIReference/findingsfilters.html",
    "https://docs.aws.amazon.com/macie/latest/user/findings-suppression.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "macie2.amazonaws.com",
         eventName = { "CreateFindingsFilter", "UpdateFindingsFilter" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and e["requestParameters.action"] == "ARCHIVE"
  end,
  output = "{actor} made a Macie findings filter archive matching findings in {region}",
  context = function(e)
    local crit = e["requestParameters.findingCriteria"]
    return { filter = e["requestParameters.name"] or e["requestParameters.id"],
             criteria = crit and tostring(crit) or nil, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A Macie findings filter whose action is ARCHIVE is a suppression rule: every "
      .. "new finding that matches (sensitive data found, bucket made public, encryption "
      .. "removed) is archived at once and is not published to Security Hub or "
      .. "EventBridge. The alert's context holds the criteria when the call set them.",
    risks = {
      "Defense evasion: criteria matching a whole category (CLASSIFICATION, POLICY) or "
        .. "the attacker's buckets hide data exposure from every downstream tool.",
      "Compliance: AWS Foundational Security Best Practices Macie.1 (Macie enabled) passes "
        .. "while its findings are hidden; SOC 2 C1.1 (confidential information identified) and "
        .. "CC7.2.",
    },
    console = {
      "1. Amazon Macie > Findings > Saved rules: open the filter from the alert and read "
        .. "its criteria.",
      "2. If it is not an agreed exception, choose Delete, or set Action to No action.",
      "3. Findings: switch to Archived and review what it has already hidden.",
    },
    cli = {
      "aws macie2 list-findings-filters --region <region>",
      "aws macie2 get-findings-filter --id <filter-id>",
      "aws macie2 delete-findings-filter --id <filter-id>",
    },
  },
  tests = {
    { name = "new suppression rule", fires = true,
      event = "samples/create_findings_filter_archive.json",
      alert = { severity = "medium", context = { filter = "hide-pii", via_console = false,
        criteria = "{\"criterion\":{\"category\":{\"eq\":[\"CLASSIFICATION\"]}}}" } } },
    { name = "filter changed to archive", fires = true,
      event = "samples/update_findings_filter_archive.json" },
    { name = "saved view only", fires = false,
      event = "samples/create_findings_filter_noop.json" },
    { name = "denied call changed nothing", fires = false,
      event = "samples/create_findings_filter_archive_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/create_findings_filter_archive_cfn.json" },
  },
}
