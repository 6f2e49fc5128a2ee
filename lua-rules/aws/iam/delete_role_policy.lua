-- An inline policy deleted from a role.
--
-- One rule for every inline delete; the context says whether the policy name
-- matches a guardrail pattern, so triage can tell the dangerous ones apart
-- without a second rule. A failed call changed nothing: quiet. Deletes made
-- through an AWS service (CloudFormation stack updates) are routine: quiet.
--
-- One alert per actor per hour: an infrastructure-as-code run deletes many
-- inline policies in a burst (the invictus-ir capture's Terraform teardown,
-- docs/coverage.md); the later calls of the hour are counted in the actor's
-- next alert (duplicates). Known weakness: that count waits for the next
-- alert (in a one-shot scan it shows only in --stats matches); an end-of-
-- window summary alert from the engine would fix it. The user agent is not
-- trusted to exempt automation: anyone can send Terraform's.
local aws = require "vigil.aws"

-- A DeleteRolePolicy by `arn` at minute `min` of one day, for the tests.
local function call(arn, min)
  return { eventSource = "iam.amazonaws.com", eventName = "DeleteRolePolicy",
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           userIdentity = { type = "IAMUser", arn = arn },
           userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
           requestParameters = { roleName = "stack-role-" .. min, policyName = "app" } }
end
local TF = "arn:aws:iam::111122223333:user/terraform-ci"
local DANA = "arn:aws:iam::111122223333:user/dana"

rule {
  id = "aws.iam.delete_role_policy",
  title = "Inline policy deleted from an IAM role",
  severity = "medium",
  description = "A principal deleted an inline policy from an IAM role; its document no "
    .. "longer exists anywhere in IAM.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation",
           "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeleteRolePolicy" },
  dedup = { window = "1h" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted inline policy {requestParameters.policyName} from role "
    .. "{requestParameters.roleName}",
  context = function(e)
    return { guardrail = aws.is_guardrail_policy(e["requestParameters.policyName"]),
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeleteRolePolicy deletes an inline policy embedded in an IAM role. Unlike a "
      .. "managed policy, an inline policy does not exist outside the role: once deleted, "
      .. "its JSON is only found in the PutRolePolicy record that created it or in your "
      .. "infrastructure code."
      .. " One alert stands for the actor's calls over an hour; duplicates counts "
      .. "the earlier ones it folds in.",
    risks = {
      "Privilege escalation: if the policy held Deny statements (the alert's guardrail "
        .. "field says whether its name looks like one), the role can now do what they "
        .. "blocked.",
      "Covering tracks: attackers add an inline policy for access and delete it when done, "
        .. "so look for a PutRolePolicy on the same role by the same actor.",
      "Outage: workloads that assume the role lose what the policy granted.",
      "Change control: CIS AWS Foundations Benchmark 4.4 asks for an alarm on IAM policy "
        .. "changes.",
    },
    console = {
      "1. IAM > Roles: open the role, Permissions tab, and list the remaining inline "
        .. "policies.",
      "2. CloudTrail > Event history: filter on Event name = PutRolePolicy and find the "
        .. "last one for this role; its requestParameters.policyDocument is the deleted "
        .. "JSON (Event history keeps 90 days; older records are in the trail's S3 bucket).",
      "3. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls.",
      "4. If the delete was not planned: on the role, Add permissions > Create inline "
        .. "policy > JSON, paste the document, and save it under the same name.",
    },
    cli = {
      "aws iam list-role-policies --role-name <role>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=PutRolePolicy",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws iam put-role-policy --role-name <role> --policy-name <policy-name> "
        .. "--policy-document file://<policy>.json",
    },
  },
  tests = {
    { name = "deny-style inline policy deleted by an admin role", fires = true,
      event = "samples/delete_role_policy.json" },
    { name = "plain inline policy deleted by a user", fires = true,
      event = "samples/delete_role_policy_plain.json" },
    { name = "denied call", fires = false,
      event = "samples/delete_role_policy_denied.json" },
    { name = "CloudFormation stack update", fires = false,
      event = "samples/delete_role_policy_cfn.json" },
    { name = "a Terraform destroy deleting inline policies is one alert", fires = false,
      alerts = 1,
      events = { call(TF, 600), call(TF, 600), call(TF, 601), call(TF, 602) } },
    { name = "another actor in the same hour still alerts", fires = true, alerts = 2,
      events = { call(TF, 600), call(TF, 601), call(DANA, 602) },
      alert = { actor = DANA, duplicates = 1 } },
    { name = "the next hour alerts again, counting the folded deletions", fires = true,
      alerts = 2, events = { call(TF, 600), call(TF, 630), call(TF, 661) },
      alert = { duplicates = 2 } },
  },
}
