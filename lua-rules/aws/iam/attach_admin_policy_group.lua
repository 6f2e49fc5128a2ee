-- An administrator policy attached to a group.
--
-- See iam_attach_admin_policy_role.lua for why there are three rules and
-- what counts as administrator. A failed call granted nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.attach_admin_policy_group",
  title = "Administrator policy attached to an IAM group",
  severity = "high",
  description = "A principal attached AdministratorAccess (or another full-control AWS "
    .. "managed policy) to an IAM group, making every member an administrator.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachGroupPolicy.html",
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"
      .. "AdministratorAccess.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "AttachGroupPolicy" },
  when = function(e)
    return aws.succeeded(e) and aws.is_admin_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} attached {requestParameters.policyArn} to group "
    .. "{requestParameters.groupName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "AttachGroupPolicy linked an AWS managed policy that gives full control of the "
      .. "account (AdministratorAccess, or IAMFullAccess, whose holder can grant itself "
      .. "anything) to an IAM group. Every current and future member of the group is now "
      .. "an administrator.",
    risks = {
      "Privilege escalation: all members gain administrator rights at once, and adding "
        .. "a user to the group later (AddUserToGroup) is a quiet way to grant admin.",
      "Least privilege: an attached AdministratorAccess fails CIS AWS Foundations "
        .. "Benchmark 1.16 (no policy granting full '*:*' privileges attached).",
    },
    console = {
      "1. IAM > User groups: open the group, Users tab, and list who is now an "
        .. "administrator.",
      "2. Permissions tab: if the change is not approved, select the policy and Remove.",
      "3. CloudTrail > Event history: filter on Event name = AddUserToGroup to see who "
        .. "joined the group recently.",
      "4. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls.",
    },
    cli = {
      "aws iam get-group --group-name <group>",
      "aws iam list-attached-group-policies --group-name <group>",
      "aws iam detach-group-policy --group-name <group> --policy-arn <policy-arn>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=AddUserToGroup",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "AdministratorAccess on a group", fires = true,
      event = "samples/attach_group_policy_admin.json" },
    { name = "SecurityAudit is not admin", fires = false,
      event = "samples/attach_group_policy_readonly.json" },
    { name = "denied call", fires = false,
      event = "samples/attach_group_policy_admin_denied.json" },
  },
}
