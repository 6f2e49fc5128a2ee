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
      .. "loses whatever it granted or denied, for every session, within seconds. The alert "
      .. "names the actor, the role and the policy ARN; duplicates counts the actor's earlier "
      .. "detaches folded into it over the hour (a pipeline run detaches many). Guardrail "
      .. "policies (deny, boundary, quarantine) raise aws.iam.detach_guardrail_policy instead, "
      .. "and a detach followed by an admin attach raises aws.iam.guardrail_swap.",
    risks = {
      "Privilege escalation: if the policy held Deny statements or conditions, the role can "
        .. "now do what they blocked.",
      "Outage: workloads that assume the role lose the permissions the policy granted.",
      "Cover for what comes next: an intruder detaches a policy, then attaches a broader one "
        .. "or uses the role; read the actor's next calls, not only this one.",
      "Change control: an IAM policy change made outside the usual pipeline; CIS AWS "
        .. "Foundations Benchmark v1.4.0 4.4 (alarm on IAM policy changes), SOC 2 CC8.1 "
        .. "(changes authorised), NIST 800-53 AC-6 (least privilege) and CM-3.",
    },
    console = {
      "1. Triage first: is the actor your deployment pipeline (Terraform, CloudFormation "
        .. "role) and is there a change ticket for this role? If yes, note the ticket on the "
        .. "alert and close it.",
      "2. IAM > Roles: open the role from the alert. Permissions tab: confirm the policy is "
        .. "gone and see what remains; Trust relationships tab: note who can assume the role.",
      "3. IAM > Policies: open the detached policy, Policy versions tab, open the default "
        .. "version and read its JSON: a Deny statement removed is an escalation, an Allow "
        .. "removed is at worst an outage.",
      "4. CloudTrail > Event history: set the time range to an hour either side of the alert. "
        .. "Filter User name = the actor (IAM user name or role session name) and read what "
        .. "else they did; then filter Resource name = the role to see every other change to "
        .. "it (an AttachRolePolicy of an admin policy right after is the escalation pattern).",
      "5. Ask the actor or the role's owner whether the change was planned. No answer within "
        .. "your escalation time, or the actor denies it: treat it as an incident.",
      "6. Undo an unplanned change: on the role, Add permissions > Attach policies, select the "
        .. "policy, Add permissions.",
      "7. Contain an unknown actor: IAM > Users > the user > Security credentials: make its "
        .. "access keys Inactive; for a role session, open the actor's role > Revoke sessions "
        .. "tab > Revoke active sessions. Then hand over to incident response.",
    },
    cli = {
      "aws iam list-attached-role-policies --role-name <role>",
      "aws iam get-policy --policy-arn <policy-arn> --query Policy.DefaultVersionId",
      "aws iam get-policy-version --policy-arn <policy-arn> --version-id <version-id>",
      "aws iam get-role --role-name <role> --query "
        .. "'Role.[AssumeRolePolicyDocument,RoleLastUsed]'",
      "aws cloudtrail lookup-events --start-time <alert-time-minus-1h> --end-time "
        .. "<alert-time-plus-1h> --lookup-attributes AttributeKey=Username,AttributeValue=<user>",
      "aws cloudtrail lookup-events --start-time <alert-time-minus-1h> --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<role>",
      "aws iam attach-role-policy --role-name <role> --policy-arn <policy-arn>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
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
