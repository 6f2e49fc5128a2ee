-- Any change to an IAM policy (informational audit trail).
--
-- The event list is the one the CIS AWS Foundations Benchmark's IAM policy
-- change alarm watches (v1.2.0 3.4): put, delete, attach and detach of
-- inline and managed policies on users, groups and roles, and policy and
-- version creation and deletion. Other rules raise the changes that matter
-- at higher severity; this one records every change, whoever made it (AWS
-- services included: it is an audit trail), so the alarm the control asks
-- for exists. A failed call changed nothing: quiet.
--
-- One alert per actor per hour: an infrastructure-as-code run or a stack
-- update makes dozens of policy calls in a minute (26 from one Terraform
-- user in the invictus-ir capture, see docs/coverage.md), and an audit
-- record per call buried the useful ones. The later calls of the hour are
-- counted in the next alert's duplicates, and each is still judged by the
-- rules that look for the dangerous cases. Known weakness: the engine
-- reports a folded count only with the actor's next alert, so the last
-- hour's count waits (or, in a one-shot scan, shows only in --stats
-- matches); an end-of-window summary alert would fix it.
local aws = require "vigil.aws"

-- A policy change by `arn` at minute `min` of one day, for the tests.
local function change(name, arn, min)
  return { eventSource = "iam.amazonaws.com", eventName = name,
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           userIdentity = { type = "IAMUser", arn = arn },
           userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
           requestParameters = { roleName = "app", policyName = "inline" .. min } }
end
local TF = "arn:aws:iam::111122223333:user/terraform-ci"
local DANA = "arn:aws:iam::111122223333:user/dana"

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
  dedup = { window = "1h" },
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
      .. "higher-severity alerts. Review these in bulk, for example daily. One alert "
      .. "stands for the actor's changes over an hour: duplicates says how many earlier "
      .. "changes it folds in; list them all with the lookup-events command below.",
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
    -- A Terraform apply: many changes in minutes raise one alert, not one each.
    { name = "a burst of changes by one actor is one alert", fires = false, alerts = 1,
      events = { change("PutRolePolicy", TF, 600), change("AttachRolePolicy", TF, 601),
                 change("DetachRolePolicy", TF, 602), change("DeleteRolePolicy", TF, 603) } },
    { name = "another actor in the same hour still alerts", fires = true, alerts = 2,
      events = { change("PutRolePolicy", TF, 600), change("AttachRolePolicy", TF, 601),
                 change("PutUserPolicy", DANA, 602) },
      alert = { actor = DANA, duplicates = 1 } },
    { name = "the next hour alerts again, counting what was folded", fires = true,
      alerts = 2,
      events = { change("PutRolePolicy", TF, 600), change("AttachRolePolicy", TF, 610),
                 change("DetachRolePolicy", TF, 620), change("DeleteRolePolicy", TF, 661) },
      alert = { duplicates = 3 } },
  },
}
