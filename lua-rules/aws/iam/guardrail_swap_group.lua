-- A guardrail detached from an IAM group, then an admin policy attached to
-- the same group by the same principal within 30 minutes.
--
-- The group form of aws.iam.guardrail_swap (roles) and guardrail_swap_user:
-- every member of the group, present and future, gets full control with the
-- guard gone. Each call alone already alerts (detach_guardrail_policy_group,
-- attach_admin_policy_group); the pair is the story. Keyed by the actor's
-- ARN and the group name; failed calls are not steps; AWS services are not
-- skipped (a stack can be used to hide the change as well as a person).
local aws = require "vigil.aws"

local cases = require "vigil.iam_swap_cases"

rule {
  id = "aws.iam.guardrail_swap_group",
  title = "Group guardrail removed, then administrator access granted",
  severity = "critical",
  description = "The same principal detached a guardrail policy from an IAM group and then "
    .. "attached an administrator policy to that group, within 30 minutes.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachGroupPolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachGroupPolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  when = function(e) return aws.succeeded(e) end,
  sequence = {
    window = "30m",
    key = { "userIdentity.arn", "requestParameters.groupName" },
    steps = {
      { name = "guardrail detached",
        on = { eventSource = "iam.amazonaws.com", eventName = "DetachGroupPolicy" },
        when = function(e) return aws.is_guardrail_policy(e["requestParameters.policyArn"]) end },
      { name = "admin attached",
        on = { eventSource = "iam.amazonaws.com", eventName = "AttachGroupPolicy" },
        when = function(e) return aws.is_admin_policy(e["requestParameters.policyArn"]) end },
    },
  },
  output = "{actor} removed a guardrail from group {requestParameters.groupName}, then attached "
    .. "{requestParameters.policyArn} to it",
  runbook = {
    about = "Two IAM calls on one group by one principal: DetachGroupPolicy removed a policy "
      .. "vigil treats as a guardrail (deny statements, boundaries, AWS quarantine policies), "
      .. "and AttachGroupPolicy then gave the group an administrator policy. Every member of "
      .. "the group, and anyone later added to it, now has full control.",
    risks = {
      "Privilege escalation: every member can now do everything the guardrail denied.",
      "Persistence: adding an identity to the group later (AddUserToGroup) is all it takes "
        .. "to grant full control again, a small change that is easy to miss.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.16 (no full administrative "
        .. "policies attached) and 4.4 (alarm on IAM policy changes); NIST 800-53 AC-6.",
    },
    console = {
      "1. IAM > User groups: open the group from the alert, Permissions tab: confirm the "
        .. "administrator policy is attached and the guardrail is gone; Users tab: note the "
        .. "members.",
      "2. Contact the actor (the user or role session in the alert) now; if the change is not "
        .. "planned, treat it as an incident.",
      "3. Permissions tab: select the administrator policy and choose Remove; then Add "
        .. "permissions > Attach policies: re-attach the guardrail policy.",
      "4. For each member: IAM > Users > the user > Security credentials: check the access "
        .. "keys' Last used; make unknown or recently used keys Inactive until the owner "
        .. "confirms.",
      "5. CloudTrail > Event history: filter User name = the actor for their other changes "
        .. "(AddUserToGroup right after is part of the same move).",
    },
    cli = {
      "aws iam list-attached-group-policies --group-name <group>",
      "aws iam get-group --group-name <group> --query 'Users[].UserName'",
      "aws iam detach-group-policy --group-name <group> --policy-arn <admin-policy-arn>",
      "aws iam attach-group-policy --group-name <group> --policy-arn <guardrail-policy-arn>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
    },
  },
  tests = cases.tests("Group", "platform-admins", "developers"),
}
