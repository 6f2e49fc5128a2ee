-- Security Hub automation rule that suppresses findings.
--
-- An automation rule updates every matching finding as it arrives; one whose
-- action sets Workflow.Status to SUPPRESSED hides them for as long as it
-- exists. Rules that only change severity, notes or other fields stay quiet,
-- as do failed calls and AWS services.
local aws = require "vigil.aws"
local data = require "vigil.data"

-- True when a list of automation rule actions sets the workflow to SUPPRESSED.
local function suppresses(actions)
  for _, a in ipairs(data.list(actions)) do
    local upd = a.FindingFieldsUpdate
    local wf = upd and upd.Workflow
    if wf and wf.Status == "SUPPRESSED" then
      return true
    end
  end
  return false
end

local function any_suppression(e)
  if e.eventName == "CreateAutomationRule" then
    return suppresses(e["requestParameters.Actions"])
  end
  for _, item in ipairs(data.list(e["requestParameters.UpdateAutomationRulesRequestItems"])) do
    if suppresses(item.Actions) then
      return true
    end
  end
  return false
end

rule {
  id = "aws.securityhub.auto_suppression_rule",
  title = "Security Hub automation rule suppresses findings",
  severity = "medium",
  description = "A principal created or changed a Security Hub automation rule that sets "
    .. "matching findings to SUPPRESSED as they arrive.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_CreateAutomationRule.html",
    "https://docs.aws.amazon.com/securityhub/1.0/APIReference/"
      .. "API_BatchUpdateAutomationRules.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "securityhub.amazonaws.com",
         eventName = { "CreateAutomationRule", "BatchUpdateAutomationRules" } },
  when = function(e)
    return aws.succeeded(e) and not data.is_service_caller(e) and any_suppression(e)
  end,
  output = "{actor} set a Security Hub automation rule to suppress findings in {region}",
  context = function(e)
    local crit = e["requestParameters.Criteria"]
    return { rule_name = e["requestParameters.RuleName"],
             criteria = crit and tostring(crit) or nil, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Security Hub automation rules change findings as they are imported: "
      .. "severity, notes, workflow status. A rule whose action sets the workflow status "
      .. "to SUPPRESSED hides every matching finding from now on, from every product "
      .. "(GuardDuty, Inspector, Macie, Config). The alert's context shows the rule's "
      .. "criteria when the call created it.",
    risks = {
      "Defense evasion: broad criteria (a whole product, a finding type, the attacker's "
        .. "resources) silence detection for good, without touching GuardDuty itself.",
      "Findings suppressed by the rule never reach the integrations that page on-call.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 4.16 (Security Hub enabled) passes "
        .. "while findings are suppressed; SOC 2 CC7.3 (security events evaluated).",
    },
    console = {
      "1. Security Hub > Automations: open the rule from the alert and read its "
        .. "criteria and actions.",
      "2. If it is not an approved suppression, choose Delete (or Disable).",
      "3. Security Hub > Findings: filter Workflow status = SUPPRESSED to find findings "
        .. "the rule already hid, and set them back to NEW.",
    },
    cli = {
      "aws securityhub list-automation-rules --region <region>",
      "aws securityhub batch-get-automation-rules --automation-rules-arns <rule-arn>",
      "aws securityhub batch-delete-automation-rules --automation-rules-arns <rule-arn>",
    },
  },
  tests = {
    { name = "new rule suppresses GuardDuty findings", fires = true,
      event = "samples/create_automation_rule_suppress.json",
      alert = { severity = "medium",
                context = { rule_name = "quiet-guardduty", via_console = false,
                            criteria = "{\"ProductName\":[{\"Value\":\"GuardDuty\","
                              .. "\"Comparison\":\"EQUALS\"}]}" } } },
    { name = "existing rule changed to suppress", fires = true,
      event = "samples/batch_update_automation_rules_suppress.json" },
    { name = "rule raising severity", fires = false,
      event = "samples/create_automation_rule_severity.json" },
    { name = "denied call changed nothing", fires = false,
      event = "samples/create_automation_rule_suppress_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/create_automation_rule_suppress_cfn.json" },
  },
}
