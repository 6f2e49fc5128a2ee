-- A guardrail detached from a role, then an admin policy attached to the
-- same role by the same principal within 30 minutes.
--
-- Each call alone already raises its own alert (detach_guardrail_policy,
-- attach_admin_policy_role); the pair is the classic escalation path, and
-- seeing them as one story is what an on-call engineer needs. Keyed by the
-- actor's ARN and the role name, so a second engineer touching another role
-- in the same window does not complete someone else's sequence. Failed
-- calls changed nothing and are not steps.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.guardrail_swap",
  title = "Role guardrail removed, then administrator access granted",
  severity = "critical",
  description = "The same principal detached a guardrail policy from an IAM role and then "
    .. "attached an administrator policy to that role, within 30 minutes.",
  tags = { "attack.t1098", "attack.t1098.003", "attack.privilege_escalation",
           "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html",
    "https://attack.mitre.org/techniques/T1098/003/",
  },
  when = function(e) return aws.succeeded(e) end,
  sequence = {
    window = "30m",
    key = { "userIdentity.arn", "requestParameters.roleName" },
    steps = {
      { name = "guardrail detached",
        on = { eventSource = "iam.amazonaws.com", eventName = "DetachRolePolicy" },
        when = function(e) return aws.is_guardrail_policy(e["requestParameters.policyArn"]) end },
      { name = "admin attached",
        on = { eventSource = "iam.amazonaws.com", eventName = "AttachRolePolicy" },
        when = function(e) return aws.is_admin_policy(e["requestParameters.policyArn"]) end },
    },
  },
  output = "{actor} removed a guardrail from role {requestParameters.roleName}, then attached "
    .. "{requestParameters.policyArn} to it",
  runbook = {
    about = "Two IAM calls on one role by one principal: DetachRolePolicy removed a policy "
      .. "vigil treats as a guardrail (deny statements, permission boundaries, quarantine), and "
      .. "AttachRolePolicy then gave the role an administrator policy. Whoever can assume the "
      .. "role now has full control, with the guard that would have limited it gone.",
    risks = {
      "Privilege escalation: the role now allows everything the guardrail denied, and more.",
      "Persistence: an attacker who can assume the role keeps full access after the original "
        .. "credentials are revoked.",
      "Compliance: an unreviewed privileged change; CIS AWS Foundations Benchmark 4.4 asks for "
        .. "an alarm on IAM policy changes, and least-privilege controls (NIST 800-53 AC-6) are "
        .. "broken.",
    },
    console = {
      "1. IAM > Roles: open the role from the alert, Permissions tab: confirm the administrator "
        .. "policy is attached and the guardrail is gone.",
      "2. Contact the actor (user or role session in the alert) now; if the change is not "
        .. "planned, treat it as an incident.",
      "3. On the role, select the administrator policy and choose Remove.",
      "4. Add permissions > Attach policies: re-attach the guardrail policy.",
      "5. Trust relationships tab: check who can assume the role; Revoke active sessions "
        .. "(Revoke sessions tab) to cut off sessions issued meanwhile.",
      "6. CloudTrail > Event history: filter by the role name and review everything done with it "
        .. "since the detach.",
    },
    cli = {
      "aws iam list-attached-role-policies --role-name <role>",
      "aws iam detach-role-policy --role-name <role> --policy-arn <admin-policy-arn>",
      "aws iam attach-role-policy --role-name <role> --policy-arn <guardrail-policy-arn>",
      "aws iam get-role --role-name <role> --query Role.AssumeRolePolicyDocument",
      "aws iam put-role-policy --role-name <role> --policy-name RevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<role>",
    },
  },
  tests = {
    { name = "guardrail detached, admin attached 12 minutes later", fires = true, alerts = 1,
      events = { "samples/detach_role_policy_guardrail.json",
                 "samples/attach_role_policy_admin_after_guardrail.json" },
      alert = { severity = "critical", actor = "arn:aws:sts::111122223333:assumed-role/"
        .. "PlatformAdmin/dana@example.com" } },
    { name = "attach alone", fires = false,
      events = { "samples/attach_role_policy_admin_after_guardrail.json" } },
    { name = "attach before the detach is not the sequence", fires = false, alerts = 0,
      events = { "samples/attach_role_policy_admin_after_guardrail.json",
                 "samples/detach_role_policy_guardrail.json" } },
    { name = "admin attached 49 minutes later", fires = false, alerts = 0,
      events = { "samples/detach_role_policy_guardrail.json",
                 "samples/attach_role_policy_admin_late.json" } },
    { name = "ordinary policy detached first", fires = false, alerts = 0,
      events = { "samples/detach_role_policy_readonly_by_dana.json",
                 "samples/attach_role_policy_admin_after_guardrail.json" } },
    { name = "admin attached to another role", fires = false, alerts = 0,
      events = { "samples/detach_role_policy_guardrail.json",
                 "samples/attach_role_policy_admin.json" } },
    { name = "the detach was denied", fires = false, alerts = 0,
      events = { "samples/detach_role_policy_guardrail_denied_by_dana.json",
                 "samples/attach_role_policy_admin_after_guardrail.json" } },
    { name = "both steps through a CloudFormation stack still fire", fires = true, alerts = 1,
      events = { "samples/detach_role_policy_guardrail_cfn.json",
                 "samples/attach_role_policy_admin_after_guardrail_cfn.json" } },
  },
}
