-- A guardrail policy (see vigil.aws guardrail_patterns) detached from a role.
--
-- Takes the DetachRolePolicy calls that aws.iam.detach_role_policy leaves
-- out, so one detach gives one alert. Unlike that rule it also fires when an
-- AWS service made the call for someone (invokedBy CloudFormation): the
-- guardrail is gone whichever path removed it, and routing the change through
-- a stack is an easy way to hide it. A failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.detach_guardrail_policy",
  title = "Guardrail policy detached from an IAM role",
  severity = "high",
  description = "A policy whose name marks it as a guardrail (explicit deny, boundary, SCP "
    .. "mirror, AWS quarantine policy) was detached from an IAM role.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1098",
           "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html",
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDenyAll.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DetachRolePolicy" },
  when = function(e)
    return aws.succeeded(e) and aws.is_guardrail_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} detached guardrail policy {requestParameters.policyArn} from role "
    .. "{requestParameters.roleName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "DetachRolePolicy removed a policy whose name marks it as a guardrail: an "
      .. "explicit Deny, a boundary or SCP mirror kept as a managed policy, or an AWS "
      .. "quarantine policy such as AWSDenyAll or AWSCompromisedKeyQuarantineV2. Guardrails "
      .. "block actions that other policies allow, so removing one silently widens what "
      .. "every session of the role can do. The names that count are the patterns in "
      .. "vigil.aws guardrail_patterns.",
    risks = {
      "Defense evasion and privilege escalation: actions the guardrail denied (deleting "
        .. "data, changing IAM, disabling logs) are allowed again for the role.",
      "Attackers remove a guardrail just before the step it blocked: expect deletions, "
        .. "exfiltration or logging changes from the same actor next.",
      "If an AWS quarantine policy was removed, AWS had flagged exposed credentials; the "
        .. "actions it blocked are open again to whoever holds them.",
      "Change control: CIS AWS Foundations Benchmark 4.4 asks for an alarm on IAM policy "
        .. "changes.",
    },
    console = {
      "1. IAM > Roles: open the role, Permissions tab, and confirm the guardrail policy is "
        .. "missing.",
      "2. Unless a change ticket covers it, re-attach it now: Add permissions > Attach "
        .. "policies, select the policy, Add permissions.",
      "3. IAM > Policies: open the policy and read its JSON to learn what it denied.",
      "4. CloudTrail > Event history: filter on User name = the actor and list what they "
        .. "did before and after, especially the actions the guardrail denied.",
      "5. If the actor should not change IAM, treat the credentials as compromised: "
        .. "deactivate the user's access keys (IAM > Users > Security credentials) or, for "
        .. "a role, use the Revoke sessions tab.",
    },
    cli = {
      "aws iam attach-role-policy --role-name <role> --policy-arn <policy-arn>",
      "aws iam list-attached-role-policies --role-name <role>",
      "aws iam get-policy-version --policy-arn <policy-arn> --version-id <version-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --start-time <iso-time>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
    },
  },
  tests = {
    { name = "customer guardrail detached by an admin role", fires = true,
      event = "samples/detach_role_policy_guardrail.json" },
    { name = "AWSDenyAll detached in the console", fires = true,
      event = "samples/detach_role_policy_denyall.json" },
    { name = "boundary policy detached through CloudFormation", fires = true,
      event = "samples/detach_role_policy_guardrail_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/detach_role_policy_guardrail_denied.json" },
    { name = "ordinary AWS managed policy", fires = false,
      event = "samples/detach_role_policy.json" },
    { name = "ordinary policy through CloudFormation", fires = false,
      event = "samples/detach_role_policy_cfn.json" },
  },
}
