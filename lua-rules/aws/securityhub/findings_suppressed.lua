-- Security Hub findings suppressed or archived by hand.
--
-- BatchUpdateFindings with Workflow.Status SUPPRESSED, and the older
-- UpdateFindings with RecordState ARCHIVED, take findings out of every
-- default view. Other workflow changes (NOTIFIED, RESOLVED), notes and
-- severity changes are everyday triage and stay quiet, as do failed calls
-- and AWS services. Automation rules that suppress are
-- aws.securityhub.auto_suppression_rule.
local aws = require "vigil.aws"
local data = require "vigil.data"

-- Security Hub's API is PascalCase; accept camelCase too in case a record
-- was normalised on its way here.
local function field(e, pascal, camel)
  local v = e["requestParameters." .. pascal]
  if v == nil then
    v = e["requestParameters." .. camel]
  end
  return v
end

rule {
  id = "aws.securityhub.findings_suppressed",
  title = "Security Hub findings suppressed",
  severity = "medium",
  description = "A principal set Security Hub findings to SUPPRESSED or archived them, "
    .. "hiding them from the default views.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html",
    "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_UpdateFindings.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "securityhub.amazonaws.com",
         eventName = { "BatchUpdateFindings", "UpdateFindings" } },
  when = function(e)
    if not aws.succeeded(e) or data.is_service_caller(e) then
      return false
    end
    if e.eventName == "UpdateFindings" then
      return field(e, "RecordState", "recordState") == "ARCHIVED"
    end
    return field(e, "Workflow.Status", "workflow.status") == "SUPPRESSED"
  end,
  output = "{actor} suppressed Security Hub findings with {eventName} in {region}",
  context = function(e)
    local ids = data.list(field(e, "FindingIdentifiers", "findingIdentifiers"))
    return { finding_count = #ids, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Suppressing a finding (workflow status SUPPRESSED) says it needs no action; "
      .. "archiving (the older UpdateFindings with RecordState ARCHIVED) removes it from "
      .. "the active list. Either way the finding disappears from dashboards, insights "
      .. "and most integrations. Analysts do this for accepted risks; an intruder does it "
      .. "to the findings that describe them. finding_count in the alert says how many "
      .. "were touched (0 for a filter-based UpdateFindings).",
    risks = {
      "Defense evasion: findings about the intrusion (a GuardDuty credential finding, a "
        .. "public bucket) are hidden before anyone triages them.",
      "Accepted risk without review: suppressions outside the agreed process hide real "
        .. "exposure.",
      "Compliance: SOC 2 CC7.3 (security events evaluated) and PCI DSS 10.4.1 (security "
        .. "events reviewed); a suppressed finding drops out of every compliance score.",
    },
    console = {
      "1. Security Hub > Findings: change the Workflow status filter to SUPPRESSED (and "
        .. "Record state to ARCHIVED) and look at what the actor changed around the "
        .. "alert time.",
      "2. For each finding that should not be suppressed, select it and choose Workflow "
        .. "status > Set status to NEW, with a note.",
      "3. Ask the actor for the reason; suppressions should reference a risk acceptance.",
    },
    cli = {
      "aws securityhub get-findings --filters "
        .. "'{\"WorkflowStatus\":[{\"Value\":\"SUPPRESSED\",\"Comparison\":\"EQUALS\"}]}'",
      "aws securityhub batch-update-findings --finding-identifiers "
        .. "Id=<finding-id>,ProductArn=<product-arn> --workflow Status=NEW "
        .. "--note Text=<reason>,UpdatedBy=<you>",
    },
  },
  tests = {
    { name = "three findings suppressed", fires = true,
      event = "samples/batch_update_findings_suppressed.json",
      alert = { severity = "medium", context = { finding_count = 3, via_console = false } } },
    { name = "findings archived with the older API", fires = true,
      event = "samples/update_findings_archived.json",
      alert = { context = { finding_count = 0, via_console = false } } },
    { name = "finding resolved", fires = false,
      event = "samples/batch_update_findings_resolved.json" },
    { name = "note added", fires = false, event = "samples/update_findings_note.json" },
    { name = "denied call", fires = false,
      event = "samples/batch_update_findings_suppressed_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/batch_update_findings_suppressed_cfn.json" },
  },
}
