-- Sequence: a guardrail policy detached from a role, then an administrator
-- policy attached to the same role by the same principal within 30 minutes.
local aws = require "vigil.aws"

rule {
  id = "acme.iam.guardrail_then_admin",
  title = "Guardrail removed from a role, then admin access granted",
  severity = "critical",
  description = "DetachRolePolicy of a guardrail, then AttachRolePolicy of an administrator "
    .. "policy on the same role, by the same principal, within 30 minutes.",
  tags = { "attack.t1098.003", "attack.privilege_escalation" },
  references = { "https://attack.mitre.org/techniques/T1098/003/" },
  when = function(e) return aws.succeeded(e) end,     -- checked before every step
  sequence = {
    window = "30m",
    key = { "userIdentity.arn", "requestParameters.roleName" },
    steps = {
      { name = "guardrail detached",
        on = { eventSource = "iam.amazonaws.com", eventName = "DetachRolePolicy" },
        when = function(e)
          return aws.is_guardrail_policy(e["requestParameters.policyArn"])
        end },
      { name = "admin attached",
        on = { eventSource = "iam.amazonaws.com", eventName = "AttachRolePolicy" },
        when = function(e) return aws.is_admin_policy(e["requestParameters.policyArn"]) end },
    },
  },
  output = "{actor} removed a guardrail from role {requestParameters.roleName}, then "
    .. "attached {requestParameters.policyArn}",
  runbook = {
    about = "Whoever can assume the role now has full control, with its guard gone.",
    risks = { "Privilege escalation and persistence through the role." },
    console = { "1. IAM > Roles > the role: remove the admin policy, re-attach the guardrail." },
    cli = { "aws iam detach-role-policy --role-name <role> --policy-arn <admin-policy-arn>" },
  },
  tests = {
    { name = "detach then attach, 11 minutes apart", fires = true, alerts = 1,
      events = { "samples/detach_guardrail.json", "samples/attach_admin.json" },
      alert = { context = { sequence = { steps = 2,
                                         started_at = "2024-06-01T10:30:00.000Z" } } } },
    { name = "attach first", fires = false,
      events = { "samples/attach_admin.json", "samples/detach_guardrail.json" } },
    { name = "the attach alone", event = "samples/attach_admin.json", fires = false },
  },
}
