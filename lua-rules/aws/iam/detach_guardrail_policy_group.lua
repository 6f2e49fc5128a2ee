-- A guardrail policy (see vigil.aws guardrail_patterns) detached from an IAM group.
--
-- Takes the DetachGroupPolicy calls that aws.iam.detach_group_policy leaves
-- out, so one detach gives one alert (the role case is
-- aws.iam.detach_guardrail_policy). Fires even when an AWS service made the
-- call (CloudFormation): the guardrail is gone whichever path removed it. A
-- failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.detach_guardrail_policy_group",
  title = "Guardrail policy detached from an IAM group",
  severity = "high",
  description = "A policy whose name marks it as a guardrail (explicit deny, boundary, SCP "
    .. "mirror, AWS quarantine policy) was detached from an IAM group.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1098",
           "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachGroupPolicy.html",
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDenyAll.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DetachGroupPolicy" },
  when = function(e)
    return aws.succeeded(e) and aws.is_guardrail_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} detached guardrail policy {requestParameters.policyArn} from group "
    .. "{requestParameters.groupName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "DetachGroupPolicy removed a policy whose name marks it as a guardrail (an "
      .. "explicit Deny, a boundary mirror, AWSDenyAll) from an IAM group. Every member of "
      .. "the group can again do what it blocked; groups of suspended contractors or "
      .. "quarantined users often hold exactly such a policy.",
    risks = {
      "Defense evasion and privilege escalation for every member of the group at once.",
      "A suspended or quarantined population of users regains access.",
      "Change control: CIS AWS Foundations Benchmark v1.2.0 3.4 asks for an alarm on IAM "
        .. "policy changes.",
    },
    console = {
      "1. IAM > User groups: open the group, Permissions tab, and confirm the guardrail is "
        .. "missing; the Users tab lists the members it protected against.",
      "2. Unless a change ticket covers it, re-attach it now: Add permissions > Attach "
        .. "policies, select the policy, Attach policies.",
      "3. CloudTrail > Event history: filter on User name = each member and review their "
        .. "calls since the detach.",
      "4. Review the actor: if they should not change IAM, deactivate their access keys or "
        .. "revoke their role sessions.",
    },
    cli = {
      "aws iam attach-group-policy --group-name <group> --policy-arn <policy-arn>",
      "aws iam get-group --group-name <group>",
      "aws iam list-attached-group-policies --group-name <group>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<member>",
    },
  },
  tests = {
    { name = "AWSDenyAll detached from a suspended group", fires = true,
      event = "samples/detach_group_policy_denyall.json",
      alert = { severity = "high" } },
    { name = "denied call", fires = false, event = "samples/detach_group_policy_denied.json" },
    { name = "ordinary policy is detach_group_policy's", fires = false,
      event = "samples/detach_group_policy.json" },
  },
}
