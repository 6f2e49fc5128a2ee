-- An inline policy deleted from an IAM group.
--
-- Same shape as delete_role_policy and delete_user_policy: one rule, the
-- context says whether the name marks a guardrail. A failed call changed
-- nothing: quiet. Deletes through an AWS service (CloudFormation): quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.delete_group_policy",
  title = "Inline policy deleted from an IAM group",
  severity = "medium",
  description = "A principal deleted an inline policy from an IAM group, changing what "
    .. "every member may do.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation",
           "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroupPolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeleteGroupPolicy" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted inline policy {requestParameters.policyName} from group "
    .. "{requestParameters.groupName}",
  context = function(e)
    return { guardrail = aws.is_guardrail_policy(e["requestParameters.policyName"]),
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeleteGroupPolicy removes an inline policy embedded in an IAM group. The "
      .. "document is gone from IAM; every member loses what it granted, or is freed from "
      .. "what it denied, at once.",
    risks = {
      "Privilege escalation for every member when the policy held Deny statements "
        .. "(context guardrail = true).",
      "Outage for members who relied on what it granted.",
      "Change control: CIS AWS Foundations Benchmark v1.2.0 3.4 asks for an alarm on IAM "
        .. "policy changes.",
    },
    console = {
      "1. CloudTrail > Event history: filter on Event name = PutGroupPolicy and Resource "
        .. "name = the group to recover the deleted document.",
      "2. IAM > User groups: open the group; the Users tab lists who is affected.",
      "3. Ask the actor whether the change was planned.",
      "4. If not: Permissions tab, Add permissions > Create inline policy, paste the "
        .. "recovered JSON, and save it under the old name.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=PutGroupPolicy",
      "aws iam list-group-policies --group-name <group>",
      "aws iam get-group --group-name <group>",
      "aws iam put-group-policy --group-name <group> --policy-name <policy-name> "
        .. "--policy-document file://policy.json",
    },
  },
  tests = {
    { name = "deny policy deleted from a group", fires = true,
      event = "samples/delete_group_policy.json",
      alert = { context = { guardrail = true, via_console = false, root = false } } },
    { name = "denied call", fires = false, event = "samples/delete_group_policy_denied.json" },
    { name = "CloudFormation stack update", fires = false,
      event = "samples/delete_group_policy_cfn.json" },
  },
}
