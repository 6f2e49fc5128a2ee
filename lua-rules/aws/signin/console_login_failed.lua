-- A failed console sign-in (not root, not at the MFA step).
--
-- Password failures of IAM users and federated sign-ins. Root failures and
-- MFA-step failures have their own, higher rules, so each failure gives one
-- alert. A single failure is a typo more often than an attack, hence low;
-- bursts by user or by source IP (guessing, password spraying) need the
-- stateful engine and are listed as future work.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.signin.console_login_failed",
  title = "Failed console sign-in",
  severity = "low",
  description = "A console sign-in of an IAM user or federated identity failed at the "
    .. "password step.",
  tags = { "attack.t1110", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "cloudtrail-event-reference-aws-console-sign-in-events.html",
    "https://attack.mitre.org/techniques/T1110/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin" },
  when = function(e)
    return not aws.is_root(e) and identity.signin_result(e) == "Failure"
      and identity.mfa_used(e) ~= "Yes"
  end,
  output = "Failed console sign-in as {actor} from {source_ip}: {errorMessage}",
  context = function(e)
    return { unknown_user = e["userIdentity.userName"] == "HIDDEN_DUE_TO_SECURITY_REASONS" }
  end,
  runbook = {
    about = "A ConsoleLogin with responseElements.ConsoleLogin = Failure: a wrong password, "
      .. "or a user name that does not exist (CloudTrail then hides the name as "
      .. "HIDDEN_DUE_TO_SECURITY_REASONS, context unknown_user).",
    risks = {
      "Credential access: one of many guesses, possibly spread across users (spraying).",
      "Monitoring control: CIS AWS Foundations Benchmark v1.2.0 3.6 asks for an alarm on "
        .. "console authentication failures; PCI DSS v3.2.1 10.2.4 asks that invalid access "
        .. "attempts be logged.",
    },
    console = {
      "1. CloudTrail > Event history: filter on Event name = ConsoleLogin; look for more "
        .. "failures from the same source IP or against the same user, and for a success "
        .. "after them.",
      "2. If the user exists, ask them whether they mistyped.",
      "3. Many failures from one IP, or across many users: block the IP where you can and "
        .. "make sure every targeted user has MFA.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=ConsoleLogin",
      "aws iam list-mfa-devices --user-name <user>",
    },
  },
  tests = {
    { name = "wrong password", fires = true, event = "samples/console_login_failed.json",
      alert = { severity = "low", context = { unknown_user = false } } },
    { name = "user name that does not exist", fires = true,
      event = "samples/console_login_failed_unknown_user.json",
      alert = { context = { unknown_user = true } } },
    { name = "MFA-step failure is mfa_failed's", fires = false,
      event = "samples/console_login_mfa_failed.json" },
    { name = "root failure is root_console_login_failed's", fires = false,
      event = "samples/console_login_root_failed.json" },
    { name = "success", fires = false, event = "samples/console_login_user_mfa.json" },
  },
}
