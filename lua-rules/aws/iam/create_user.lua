-- A new IAM user created.
--
-- A failed call created nothing: quiet. Users created through an AWS service
-- (CloudFormation stacks) are infrastructure code at work: quiet. The
-- follow-up calls that make a new user dangerous (keys, admin policies) have
-- their own rules.
local aws = require "vigil.aws"

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
      .. "in through IAM Identity Center or federation, a hand-made IAM user is rare.",
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
  },
}
