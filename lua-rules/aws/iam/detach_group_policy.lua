-- Any managed policy detached from an IAM group, except guardrails.
--
-- Same split as detach_role_policy and detach_user_policy: guardrails go to
-- aws.iam.detach_guardrail_policy (high). A failed call changed nothing:
-- quiet. Detaches made through an AWS service (CloudFormation) are routine:
-- quiet here.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.detach_group_policy",
  title = "Managed policy detached from an IAM group",
  severity = "medium",
  description = "A principal removed a managed policy from an IAM group, changing the "
    .. "permissions of every user in it.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachGroupPolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DetachGroupPolicy" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and not aws.is_guardrail_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} detached {requestParameters.policyArn} from group "
    .. "{requestParameters.groupName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DetachGroupPolicy unlinks a managed policy from an IAM group. Every member "
      .. "of the group gains or loses what the policy said, immediately; the policy "
      .. "itself is not deleted.",
    risks = {
      "Privilege escalation: if the policy held Deny statements, every member can now do "
        .. "what they blocked.",
      "Outage: members lose the access the policy granted.",
      "Change control: CIS AWS Foundations Benchmark v1.2.0 3.4 asks for an alarm on IAM "
        .. "policy changes.",
    },
    console = {
      "1. IAM > User groups: open the group, Permissions tab, and confirm the policy is "
        .. "gone; the Users tab lists who is affected.",
      "2. IAM > Policies: open the policy and read its JSON.",
      "3. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls around the alert time.",
      "4. If the change was not planned: on the group, Add permissions > Attach policies, "
        .. "select the policy, Attach policies.",
    },
    cli = {
      "aws iam list-attached-group-policies --group-name <group>",
      "aws iam get-group --group-name <group>",
      "aws iam get-policy-version --policy-arn <policy-arn> --version-id <version-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
      "aws iam attach-group-policy --group-name <group> --policy-arn <policy-arn>",
    },
  },
  tests = {
    { name = "AWS managed policy detached with the CLI", fires = true,
      event = "samples/detach_group_policy.json" },
    { name = "AWSDenyAll detach is left to detach_guardrail_policy", fires = false,
      event = "samples/detach_group_policy_denyall.json" },
    { name = "denied call", fires = false, event = "samples/detach_group_policy_denied.json" },
    { name = "CloudFormation stack update", fires = false,
      event = "samples/detach_group_policy_cfn.json" },
  },
}
