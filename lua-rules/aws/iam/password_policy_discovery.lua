-- The account password policy read (informational).
--
-- GetAccountPasswordPolicy tells a caller how strong passwords must be, the
-- first thing to learn before guessing or spraying them. People rarely read
-- it; compliance tools do all the time, so AWS services and service-linked
-- roles (AWS Config, Security Hub) are quiet. A refused or empty answer
-- (NoSuchEntity: no policy set) still fires: the question is the signal.
-- Panther counts two reads before it alerts; counting needs the stateful
-- engine, so this fires on each read, at info.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.password_policy_discovery",
  title = "IAM password policy read",
  severity = "info",
  description = "A principal other than an AWS service read the account password policy.",
  tags = { "attack.t1201", "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountPasswordPolicy.html",
    "https://attack.mitre.org/techniques/T1201/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "GetAccountPasswordPolicy" },
  when = function(e)
    return not aws.is_aws_service(e) and not identity.is_service_linked(e)
      and e.eventType ~= "AwsServiceEvent"
  end,
  output = "{actor} read the IAM password policy",
  context = function(e)
    return { error_code = e.errorCode, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "GetAccountPasswordPolicy returns the account's password rules (minimum length, "
      .. "character classes, reuse, expiry). Consoles show it on the Account settings page, "
      .. "and auditing tools read it; a script doing so with a user's keys is often taking "
      .. "stock before attacking passwords.",
    risks = {
      "Password policy discovery precedes password guessing and spraying against console "
        .. "users.",
      "A read from an unusual principal or IP can be the first call of a stolen credential.",
      "Compliance: SOC 2 CC7.2 (anomalous activity detected and reviewed).",
    },
    console = {
      "1. Check the actor and source IP: an auditor, a compliance tool, or unexpected?",
      "2. CloudTrail > Event history: filter on User name = the actor and look at their "
        .. "other read calls (List*, Get*) in the same minutes.",
      "3. If unexpected, treat the credential as compromised: deactivate its keys or revoke "
        .. "the role's sessions.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
    },
  },
  tests = {
    { name = "read with an SDK", fires = true, event = "samples/get_password_policy.json",
      alert = { severity = "info" } },
    { name = "no policy set still counts", fires = true,
      event = "samples/get_password_policy_none.json",
      alert = { context = { error_code = "NoSuchEntityException", via_console = false } } },
    { name = "AWS Config's service-linked role", fires = false,
      event = "samples/get_password_policy_config.json" },
  },
}
