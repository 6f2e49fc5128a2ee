-- Any change to an IAM policy (informational audit trail).
--
-- The event list is the one the CIS AWS Foundations Benchmark's IAM policy
-- change alarm watches (v1.2.0 3.4): put, delete, attach and detach of
-- inline and managed policies on users, groups and roles, and policy and
-- version creation and deletion. Other rules raise the changes that matter
-- at higher severity; this one records every change, whoever made it (AWS
-- services included: it is an audit trail), so the alarm the control asks
-- for exists. A failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.policy_changed",
  title = "IAM policy changed",
  severity = "info",
  description = "An IAM policy was created, deleted, versioned, attached, detached, put or "
    .. "removed (the CIS IAM policy change alarm's list).",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage.html",
    "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "PutUserPolicy", "PutGroupPolicy", "PutRolePolicy",
                       "DeleteUserPolicy", "DeleteGroupPolicy", "DeleteRolePolicy",
                       "AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy",
                       "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy",
                       "CreatePolicy", "DeletePolicy",
                       "CreatePolicyVersion", "DeletePolicyVersion" } },
  when = function(e)
    return aws.succeeded(e)
  end,
  -- Targets and policies sit in different fields per call; the context
  -- names the target.
  output = "{actor} changed an IAM policy ({eventName})",
  context = function(e)
    return { target = e["requestParameters.roleName"] or e["requestParameters.userName"]
               or e["requestParameters.groupName"],
             policy = e["requestParameters.policyArn"] or e["requestParameters.policyName"],
             aws_service = aws.is_aws_service(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "An IAM policy or its link to a user, group or role changed. This is the audit "
      .. "record the CIS IAM policy change alarm asks for; vigil raises the dangerous "
      .. "cases (admin grants, guardrail removal, new default versions) as separate, "
      .. "higher-severity alerts. Review these in bulk, for example daily.",
    risks = {
      "Privilege escalation or persistence hidden among routine changes.",
      "Monitoring control: CIS AWS Foundations Benchmark v1.2.0 3.4 asks for an alarm on "
        .. "IAM policy changes; this rule is that alarm.",
    },
    console = {
      "1. CloudTrail > Event history: filter on Event source = iam.amazonaws.com to see "
        .. "the change with its neighbours.",
      "2. IAM: open the policy or the target (context target) and confirm the change is "
        .. "expected.",
      "3. Escalate anything that matches no planned change to the account owner.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=iam.amazonaws.com",
      "aws iam get-policy --policy-arn <policy-arn>",
      "aws iam list-entities-for-policy --policy-arn <policy-arn>",
    },
  },
  tests = {
    { name = "admin policy attached through CloudFormation", fires = true,
      event = "samples/attach_role_policy_admin_cfn.json",
      alert = { severity = "info",
                context = { target = "break-glass-admin", aws_service = true,
                            policy = "arn:aws:iam::aws:policy/AdministratorAccess",
                            via_console = false } } },
    { name = "inline policy put", fires = true, event = "samples/put_user_policy_s3.json" },
    { name = "managed policy detached", fires = true,
      event = "samples/detach_user_policy.json" },
    { name = "denied call", fires = false, event = "samples/delete_role_policy_denied.json" },
    { name = "not a policy change", fires = false, event = "samples/create_user.json" },
  },
}
