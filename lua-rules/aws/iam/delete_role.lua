-- An IAM role deleted.
--
-- Low severity: teardown by people and tools is common, but a role deleted by
-- an unexpected actor can cut off a workload or close an intrusion. A failed
-- call changed nothing: quiet. Deletes made through an AWS service
-- (CloudFormation stack deletion) are routine: quiet.
--
-- One alert per actor per hour: an infrastructure-as-code run deletes many
-- roles in a burst (the invictus-ir capture's Terraform teardown,
-- docs/coverage.md); the later calls of the hour are counted in the actor's
-- next alert (duplicates). Known weakness: that count waits for the next
-- alert (in a one-shot scan it shows only in --stats matches); an end-of-
-- window summary alert from the engine would fix it. The user agent is not
-- trusted to exempt automation: anyone can send Terraform's.
local aws = require "vigil.aws"

-- A DeleteRole by `arn` at minute `min` of one day, for the tests.
local function call(arn, min)
  return { eventSource = "iam.amazonaws.com", eventName = "DeleteRole",
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           userIdentity = { type = "IAMUser", arn = arn },
           userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
           requestParameters = { roleName = "stack-role-" .. min } }
end
local TF = "arn:aws:iam::111122223333:user/terraform-ci"
local DANA = "arn:aws:iam::111122223333:user/dana"

rule {
  id = "aws.iam.delete_role",
  title = "IAM role deleted",
  severity = "low",
  description = "A principal deleted an IAM role; everything that assumed it loses access.",
  tags = { "attack.t1531", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html",
    "https://attack.mitre.org/techniques/T1531/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeleteRole" },
  dedup = { window = "1h" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted IAM role {requestParameters.roleName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeleteRole removes an IAM role. IAM only allows it once the role has no "
      .. "attached or inline policies and belongs to no instance profile, so it is usually "
      .. "the last of a series of detach and delete calls. A role cannot be restored: one "
      .. "recreated under the same name gets a new unique ID."
      .. " One alert stands for the actor's calls over an hour; duplicates counts "
      .. "the earlier ones it folds in.",
    risks = {
      "Impact (account access removal): EC2 instances, Lambda functions, other accounts or "
        .. "people that assumed the role can no longer get credentials from it.",
      "Covering tracks: attackers delete the roles they created once done; look for "
        .. "CreateRole and AssumeRole on the same role before this call.",
      "Recovery: resource policies (S3 buckets, KMS keys, trust policies in other accounts) "
        .. "that named the old role do not match a recreated one and must be updated.",
      "Compliance: NIST 800-53 AC-2 (account removal authorised and recorded), SOC 2 CC6.2.",
    },
    console = {
      "1. CloudTrail > Event history: filter on Resource name = the role name and read "
        .. "who created it, who assumed it and which policies it held.",
      "2. Find what depended on it: Lambda functions, EC2 instance profiles, ECS task "
        .. "definitions or other accounts' configurations that name the role.",
      "3. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls.",
      "4. If the delete was not planned, recreate the role from your infrastructure code "
        .. "(or IAM > Roles > Create role, with the trust policy and permissions found in "
        .. "step 1) and fix the resource policies that named it.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<role>",
      "aws iam get-role --role-name <role>",
      "aws iam create-role --role-name <role> --assume-role-policy-document file://trust.json",
      "aws iam attach-role-policy --role-name <role> --policy-arn <policy-arn>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "role deleted in the console", fires = true,
      event = "samples/delete_role.json" },
    { name = "denied call", fires = false, event = "samples/delete_role_denied.json" },
    { name = "CloudFormation stack deletion", fires = false,
      event = "samples/delete_role_cfn.json" },
    { name = "a Terraform destroy deleting roles is one alert", fires = false, alerts = 1,
      events = { call(TF, 600), call(TF, 600), call(TF, 601), call(TF, 602) } },
    { name = "another actor in the same hour still alerts", fires = true, alerts = 2,
      events = { call(TF, 600), call(TF, 601), call(DANA, 602) },
      alert = { actor = DANA, duplicates = 1 } },
    { name = "the next hour alerts again, counting the folded deletions", fires = true,
      alerts = 2, events = { call(TF, 600), call(TF, 630), call(TF, 661) },
      alert = { duplicates = 2 } },
  },
}
