-- A new IAM user created.
--
-- A failed call created nothing: quiet. Users created through an AWS service
-- (CloudFormation stacks) are infrastructure code at work: quiet. The
-- follow-up calls that make a new user dangerous (keys, admin policies) have
-- their own rules.
--
-- One alert per actor per hour: an infrastructure-as-code run creates many
-- users in a burst (the invictus-ir capture's Terraform teardown,
-- docs/coverage.md); the later calls of the hour are counted in the actor's
-- next alert (duplicates). Known weakness: that count waits for the next
-- alert (in a one-shot scan it shows only in --stats matches); an end-of-
-- window summary alert from the engine would fix it. The user agent is not
-- trusted to exempt automation: anyone can send Terraform's.
local aws = require "vigil.aws"

-- A CreateUser by `arn` at minute `min` of one day, for the tests.
local function call(arn, min)
  return { eventSource = "iam.amazonaws.com", eventName = "CreateUser",
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           userIdentity = { type = "IAMUser", arn = arn },
           userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
           requestParameters = { userName = "svc-" .. min } }
end
local TF = "arn:aws:iam::111122223333:user/terraform-ci"
local DANA = "arn:aws:iam::111122223333:user/dana"

rule {
  id = "aws.iam.create_user",
  title = "IAM user created",
  severity = "medium",
  description = "A principal created a new IAM user.",
  tags = { "attack.t1136.003", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html",
    "https://attack.mitre.org/techniques/T1136/003/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "CreateUser" },
  dedup = { window = "1h" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} created IAM user {requestParameters.userName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "CreateUser adds an IAM user to the account. A new user has no permissions or "
      .. "credentials yet; it becomes useful once someone attaches policies, adds it to a "
      .. "group, or creates an access key or a console password for it. Where people sign "
      .. "in through IAM Identity Center or federation, a hand-made IAM user is rare."
      .. " One alert stands for the actor's calls over an hour; duplicates counts "
      .. "the earlier ones it folds in.",
    risks = {
      "Persistence (create cloud account): an attacker makes a user of their own that "
        .. "survives the revocation of the credential they came in with.",
      "Watch the same actor's next calls: CreateAccessKey, CreateLoginProfile, "
        .. "AttachUserPolicy or AddUserToGroup on the new user.",
      "Access governance: users should be created through an approved request (SOC 2 "
        .. "CC6.2).",
    },
    console = {
      "1. IAM > Users: open the new user and check Permissions, Groups, Security "
        .. "credentials (access keys, console password) and Tags.",
      "2. CloudTrail > Event history: filter on Resource name = the new user to list "
        .. "every call that gave it credentials or permissions.",
      "3. Ask the actor, or check the request queue, whether the user was approved.",
      "4. If it was not: attach the AWS managed policy AWSDenyAll to freeze it, "
        .. "deactivate its access keys, and investigate the actor; delete the user once "
        .. "the evidence is saved.",
    },
    cli = {
      "aws iam get-user --user-name <new-user>",
      "aws iam list-access-keys --user-name <new-user>",
      "aws iam list-attached-user-policies --user-name <new-user>",
      "aws iam list-groups-for-user --user-name <new-user>",
      "aws iam attach-user-policy --user-name <new-user> "
        .. "--policy-arn arn:aws:iam::aws:policy/AWSDenyAll",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<new-user>",
    },
  },
  tests = {
    { name = "user created from the CLI", fires = true,
      event = "samples/create_user.json" },
    { name = "console user seen as invokedBy signin.amazonaws.com", fires = true,
      event = "samples/create_user_console_signin.json" },
    { name = "denied call", fires = false, event = "samples/create_user_denied.json" },
    { name = "CloudFormation stack creates a user", fires = false,
      event = "samples/create_user_cfn.json" },
    { name = "a Terraform apply creating users is one alert", fires = false, alerts = 1,
      events = { call(TF, 600), call(TF, 600), call(TF, 601), call(TF, 602) } },
    { name = "another actor in the same hour still alerts", fires = true, alerts = 2,
      events = { call(TF, 600), call(TF, 601), call(DANA, 602) },
      alert = { actor = DANA, duplicates = 1 } },
    { name = "the next hour alerts again, counting the folded creations", fires = true,
      alerts = 2, events = { call(TF, 600), call(TF, 630), call(TF, 661) },
      alert = { duplicates = 2 } },
  },
}
