-- Service control policies disabled for an organization root.
--
-- DisablePolicyType with SERVICE_CONTROL_POLICY detaches every SCP from
-- every account and OU under the root in one call. Other policy types
-- (tag, backup, AI opt-out) are quiet. Fires whoever made the call; a
-- failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.organizations.scp_disabled",
  title = "Service control policies disabled for the organization",
  severity = "critical",
  description = "The service control policy type was disabled on an organization root, "
    .. "removing every SCP from every account under it.",
  tags = { "attack.t1484.001", "attack.defense_evasion", "attack.privilege_escalation",
           "attack.t1562" },
  references = {
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html",
    "https://attack.mitre.org/techniques/T1484/001/",
  },
  on = { eventSource = "organizations.amazonaws.com", eventName = "DisablePolicyType" },
  when = function(e)
    return aws.succeeded(e) and e["requestParameters.policyType"] == "SERVICE_CONTROL_POLICY"
  end,
  output = "{actor} disabled service control policies on root {requestParameters.rootId}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DisablePolicyType turned off the SERVICE_CONTROL_POLICY type for a root of the "
      .. "organization. AWS detaches every SCP from the root, its OUs and its accounts; "
      .. "re-enabling the type does not re-attach them.",
    risks = {
      "Defense evasion at organization scale: every guardrail in every member account is "
        .. "gone in one call.",
      "Recovery is manual: the attachments must be rebuilt from records or code.",
      "Governance: the CIS AWS Foundations Benchmark monitoring section includes an "
        .. "alarm on AWS Organizations changes.",
    },
    console = {
      "1. AWS Organizations > Policies: confirm Service control policies shows as "
        .. "disabled.",
      "2. Unless this is a planned change, enable it again (Enable service control "
        .. "policies).",
      "3. Re-attach each SCP to its targets: CloudTrail > Event history, Event name = "
        .. "AttachPolicy, lists the earlier attachments; infrastructure code may hold them.",
      "4. Treat the actor's credentials as compromised until explained; this needs "
        .. "management-account administrator rights.",
    },
    cli = {
      "aws organizations list-roots",
      "aws organizations enable-policy-type --root-id <root-id> "
        .. "--policy-type SERVICE_CONTROL_POLICY",
      "aws organizations list-policies --filter SERVICE_CONTROL_POLICY",
      "aws organizations attach-policy --policy-id <policy-id> --target-id <target-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=AttachPolicy",
    },
  },
  tests = {
    { name = "SCPs disabled", fires = true, event = "samples/disable_policy_type_scp.json",
      alert = { severity = "critical" } },
    { name = "tag policies disabled", fires = false,
      event = "samples/disable_policy_type_tag.json" },
    { name = "denied call", fires = false, event = "samples/disable_policy_type_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/disable_policy_type_scp_cfn.json" },
  },
}
