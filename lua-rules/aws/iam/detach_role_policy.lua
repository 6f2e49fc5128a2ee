-- Any managed policy detached from a role, except guardrails.
--
-- DetachRolePolicy is split between two rules because severity is static:
-- this one (medium) takes ordinary policies, aws.iam.detach_guardrail_policy
-- (high) takes the policies vigil.aws calls guardrails. Each successful
-- detach matches exactly one of the two, at the severity it deserves.
-- A failed call changed nothing and stays quiet. A detach made through an AWS
-- service (a CloudFormation stack update, invokedBy) is routine infrastructure
-- work and stays quiet here; the guardrail rule still fires for those.
--
-- One alert per actor per hour: an infrastructure-as-code run detaches many
-- policies in a burst (the invictus-ir capture's Terraform teardown,
-- docs/coverage.md); the later calls of the hour are counted in the actor's
-- next alert (duplicates). Known weakness: that count waits for the next
-- alert (in a one-shot scan it shows only in --stats matches); an end-of-
-- window summary alert from the engine would fix it. The user agent is not
-- trusted to exempt automation: anyone can send Terraform's.
local aws = require "vigil.aws"

-- A DetachRolePolicy by `arn` at minute `min` of one day, for the tests.
local function call(arn, min)
  return { eventSource = "iam.amazonaws.com", eventName = "DetachRolePolicy",
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           userIdentity = { type = "IAMUser", arn = arn },
           userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
           requestParameters = { roleName = "stack-role-" .. min,
                               policyArn = "arn:aws:iam::aws:policy/ReadOnlyAccess" } }
end
local TF = "arn:aws:iam::111122223333:user/terraform-ci"
local DANA = "arn:aws:iam::111122223333:user/dana"

rule {
  id = "aws.iam.detach_role_policy",
  title = "Managed policy detached from an IAM role",
  severity = "medium",
  description = "A principal removed a managed policy from an IAM role, changing what every "
    .. "session of that role is allowed to do.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DetachRolePolicy" },
  dedup = { window = "1h" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and not aws.is_guardrail_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} detached {requestParameters.policyArn} from role "
    .. "{requestParameters.roleName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DetachRolePolicy removes the link between a managed policy (AWS managed or "
      .. "customer managed) and an IAM role. The policy itself still exists, but the role "
      .. "loses whatever it granted or denied, for every session, within seconds."
      .. " One alert stands for the actor's calls over an hour; duplicates counts "
      .. "the earlier ones it folds in.",
    risks = {
      "Privilege escalation: if the policy held Deny statements or conditions, the role can "
        .. "now do what they blocked.",
      "Outage: workloads that assume the role lose the permissions the policy granted.",
      "Change control: an IAM policy change made outside the usual pipeline; CIS AWS "
        .. "Foundations Benchmark 4.4 asks for an alarm on IAM policy changes.",
    },
    console = {
      "1. IAM > Roles: open the role from the alert, Permissions tab, and confirm the "
        .. "policy is no longer listed.",
      "2. IAM > Policies: open the detached policy and read its JSON to see what the role "
        .. "gained or lost.",
      "3. CloudTrail > Event history: filter on User name = the actor (user name or role "
        .. "session name) and review their other calls around the alert time.",
      "4. Ask the actor or the role's owner whether the change was planned.",
      "5. If it was not: on the role, Add permissions > Attach policies, select the policy, "
        .. "Add permissions.",
    },
    cli = {
      "aws iam list-attached-role-policies --role-name <role>",
      "aws iam get-policy --policy-arn <policy-arn>",
      "aws iam get-policy-version --policy-arn <policy-arn> --version-id <version-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws iam attach-role-policy --role-name <role> --policy-arn <policy-arn>",
    },
  },
  tests = {
    { name = "AWS managed policy detached by a user", fires = true,
      event = "samples/detach_role_policy.json" },
    { name = "guardrail detach is left to detach_guardrail_policy", fires = false,
      event = "samples/detach_role_policy_guardrail.json" },
    { name = "AWSDenyAll detach is left to detach_guardrail_policy", fires = false,
      event = "samples/detach_role_policy_denyall.json" },
    { name = "denied call", fires = false,
      event = "samples/detach_role_policy_guardrail_denied.json" },
    { name = "CloudFormation stack update", fires = false,
      event = "samples/detach_role_policy_cfn.json" },
    { name = "a Terraform destroy detaching policies is one alert", fires = false, alerts = 1,
      events = { call(TF, 600), call(TF, 600), call(TF, 601), call(TF, 602) } },
    { name = "another actor in the same hour still alerts", fires = true, alerts = 2,
      events = { call(TF, 600), call(TF, 601), call(DANA, 602) },
      alert = { actor = DANA, duplicates = 1 } },
    { name = "the next hour alerts again, counting the folded detaches", fires = true,
      alerts = 2, events = { call(TF, 600), call(TF, 630), call(TF, 661) },
      alert = { duplicates = 2 } },
  },
}
