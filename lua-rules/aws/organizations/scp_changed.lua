-- A service control policy changed, deleted or detached.
--
-- UpdatePolicy and DeletePolicy act on policies of every Organizations type
-- (SCPs, tag, backup, AI opt-out policies). UpdatePolicy's response names
-- the type, so other types are quiet; DetachPolicy and DeletePolicy records
-- do not, so those fire for any type, and the context says "unknown". SCPs
-- bound everything member accounts can do, so this fires through AWS
-- services too. A failed call changed nothing: quiet. Disabling SCPs for a
-- whole root is aws.organizations.scp_disabled.
local aws = require "vigil.aws"

local function policy_type(e)
  return e["responseElements.policy.policySummary.type"]
end

rule {
  id = "aws.organizations.scp_changed",
  title = "Service control policy changed, deleted or detached",
  severity = "high",
  description = "A principal in the management account edited, deleted or detached an "
    .. "AWS Organizations policy (a service control policy unless the record says "
    .. "otherwise).",
  tags = { "attack.t1484.001", "attack.defense_evasion", "attack.privilege_escalation",
           "attack.t1562" },
  references = {
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html",
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html",
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeletePolicy.html",
    "https://attack.mitre.org/techniques/T1484/001/",
  },
  on = { eventSource = "organizations.amazonaws.com",
         eventName = { "UpdatePolicy", "DeletePolicy", "DetachPolicy" } },
  when = function(e)
    local t = policy_type(e)
    return aws.succeeded(e) and (t == nil or t == "SERVICE_CONTROL_POLICY")
  end,
  output = "{actor} called {eventName} on organization policy {requestParameters.policyId}",
  context = function(e)
    return { policy_type = policy_type(e) or "unknown",
             target = e["requestParameters.targetId"],
             invoked_by = e["userIdentity.invokedBy"], via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Service control policies (SCPs) set the maximum permissions of every account, "
      .. "OU or the whole organization they are attached to; even account administrators "
      .. "cannot exceed them. Editing one changes what it allows or denies; detaching or "
      .. "deleting one removes its limits from its targets at once.",
    risks = {
      "Defense evasion and privilege escalation across accounts: guardrails such as \"do "
        .. "not disable CloudTrail\", \"stay in approved regions\" or \"do not leave the "
        .. "organization\" stop applying.",
      "Outage: a mistaken deny in an edited SCP can block production accounts.",
      "Governance: the CIS AWS Foundations Benchmark monitoring section includes an "
        .. "alarm on AWS Organizations changes.",
    },
    console = {
      "1. AWS Organizations > Policies > Service control policies: open the policy "
        .. "(requestParameters.policyId); for an update compare the content with the "
        .. "previous version (CloudTrail holds the earlier UpdatePolicy or CreatePolicy).",
      "2. Targets tab: confirm the roots, OUs and accounts it should be attached to "
        .. "(context target shows what a detach removed).",
      "3. Ask the actor whether the change was planned.",
      "4. If not: restore the content (Edit policy), re-attach it (Attach), or re-create "
        .. "a deleted policy from its last CreatePolicy or UpdatePolicy record.",
    },
    cli = {
      "aws organizations describe-policy --policy-id <policy-id>",
      "aws organizations list-targets-for-policy --policy-id <policy-id>",
      "aws organizations attach-policy --policy-id <policy-id> --target-id <target-id>",
      "aws organizations update-policy --policy-id <policy-id> --content file://scp.json",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=organizations.amazonaws.com",
    },
  },
  tests = {
    { name = "SCP detached from an OU", fires = true, event = "samples/detach_policy_scp.json",
      alert = { context = { policy_type = "unknown", target = "ou-a1b2-3c4d5e6f",
                            via_console = true } } },
    { name = "SCP rewritten to allow everything", fires = true,
      event = "samples/update_policy_scp.json",
      alert = { context = { policy_type = "SERVICE_CONTROL_POLICY", via_console = true } } },
    { name = "policy deleted", fires = true, event = "samples/delete_policy.json" },
    { name = "tag policy update", fires = false, event = "samples/update_policy_tag.json" },
    { name = "denied detach", fires = false, event = "samples/detach_policy_denied.json" },
  },
}
