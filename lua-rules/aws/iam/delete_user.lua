-- An IAM user deleted.
--
-- Low severity: offboarding is routine, but an unexpected delete locks a
-- person or service out, or removes an attacker's backdoor after use. A
-- failed call changed nothing: quiet. Deletes made through an AWS service
-- (CloudFormation stack deletion) are routine: quiet.
--
-- One alert per actor per hour: an infrastructure-as-code run deletes many
-- users in a burst (the invictus-ir capture's Terraform teardown,
-- docs/coverage.md); the later calls of the hour are counted in the actor's
-- next alert (duplicates). Known weakness: that count waits for the next
-- alert (in a one-shot scan it shows only in --stats matches); an end-of-
-- window summary alert from the engine would fix it. The user agent is not
-- trusted to exempt automation: anyone can send Terraform's.
local aws = require "vigil.aws"

-- A DeleteUser by `arn` at minute `min` of one day, for the tests.
local function call(arn, min)
  return { eventSource = "iam.amazonaws.com", eventName = "DeleteUser",
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           userIdentity = { type = "IAMUser", arn = arn },
           userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
           requestParameters = { userName = "svc-" .. min } }
end
local TF = "arn:aws:iam::111122223333:user/terraform-ci"
local DANA = "arn:aws:iam::111122223333:user/dana"

rule {
  id = "aws.iam.delete_user",
  title = "IAM user deleted",
  severity = "low",
  description = "A principal deleted an IAM user together with its ability to sign in or "
    .. "call AWS.",
  tags = { "attack.t1531", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html",
    "https://attack.mitre.org/techniques/T1531/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeleteUser" },
  dedup = { window = "1h" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted IAM user {requestParameters.userName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeleteUser removes an IAM user. IAM refuses it while the user still has "
      .. "access keys, a console password, MFA devices, group memberships or policies, so "
      .. "a successful DeleteUser follows a run of clean-up calls (DeleteAccessKey, "
      .. "DeleteLoginProfile, DetachUserPolicy, ...). The user's credentials cannot be "
      .. "restored."
      .. " One alert stands for the actor's calls over an hour; duplicates counts "
      .. "the earlier ones it folds in.",
    risks = {
      "Impact (account access removal): a person or a service using the user's keys is "
        .. "locked out.",
      "Covering tracks: attackers delete the backdoor user they created; look for "
        .. "CreateUser and CreateAccessKey for the same name earlier.",
      "Access governance: removing a user should match an approved offboarding request "
        .. "(SOC 2 CC6.2).",
    },
    console = {
      "1. CloudTrail > Event history: filter on User name = the deleted user and review "
        .. "what it did in its last days.",
      "2. CloudTrail > Event history: filter on Resource name = the deleted user to see "
        .. "who created it and the clean-up calls before the delete.",
      "3. Check the offboarding request, or ask the actor, whether the delete was planned.",
      "4. If it was not and the user is needed: IAM > Users > Create user with the same "
        .. "name, then issue new credentials; the old keys are gone for good.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<deleted-user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<deleted-user>",
      "aws iam get-user --user-name <deleted-user>",
      "aws iam create-user --user-name <deleted-user>",
    },
  },
  tests = {
    { name = "user deleted by an admin role", fires = true,
      event = "samples/delete_user.json" },
    { name = "denied call", fires = false, event = "samples/delete_user_denied.json" },
    { name = "CloudFormation stack deletion", fires = false,
      event = "samples/delete_user_cfn.json" },
    { name = "a Terraform destroy deleting users is one alert", fires = false, alerts = 1,
      events = { call(TF, 600), call(TF, 600), call(TF, 601), call(TF, 602) } },
    { name = "another actor in the same hour still alerts", fires = true, alerts = 2,
      events = { call(TF, 600), call(TF, 601), call(DANA, 602) },
      alert = { actor = DANA, duplicates = 1 } },
    { name = "the next hour alerts again, counting the folded deletions", fires = true,
      alerts = 2, events = { call(TF, 600), call(TF, 630), call(TF, 661) },
      alert = { duplicates = 2 } },
  },
}
