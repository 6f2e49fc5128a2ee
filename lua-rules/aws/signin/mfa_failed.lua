-- A console sign-in failed at the MFA step.
--
-- ConsoleLogin failing with MFAUsed "Yes", or a CheckMfa event that failed:
-- the password was accepted and only the second factor stopped the
-- sign-in. Someone other than the owner may know the password. Root is
-- included (an MFA failure for root is no less telling). One failure per
-- alert; bursts (MFA fatigue) need the stateful engine.
local identity = require "vigil.identity"

rule {
  id = "aws.signin.mfa_failed",
  title = "Console sign-in failed at the MFA step",
  severity = "medium",
  description = "A console sign-in passed the password check and then failed MFA.",
  tags = { "attack.t1110", "attack.credential_access", "attack.t1078.004",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "cloudtrail-event-reference-aws-console-sign-in-events.html",
    "https://attack.mitre.org/techniques/T1110/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = { "ConsoleLogin", "CheckMfa" } },
  when = function(e)
    if identity.signin_result(e) ~= "Failure" then
      return false
    end
    return e.eventName == "CheckMfa" or identity.mfa_used(e) == "Yes"
  end,
  output = "MFA failed for {actor} signing in from {source_ip} "
    .. "({eventName})",
  context = function(e)
    return { mfa_type = e["additionalEventData.MfaType"], error_message = e.errorMessage }
  end,
  runbook = {
    about = "The console accepted the password and then the MFA check failed (a wrong or "
      .. "expired code, a rejected push, a missing security key). CloudTrail records it "
      .. "as ConsoleLogin Failure with MFAUsed Yes, or as a CheckMfa event with Failure.",
    risks = {
      "Credential access: the password is known to whoever tried; MFA is the only thing "
        .. "left between them and the account.",
      "Repeated prompts are how MFA fatigue attacks wear users down.",
      "Monitoring control: PCI DSS v3.2.1 10.2.4 asks that invalid access attempts be "
        .. "logged.",
    },
    console = {
      "1. Ask the user whether they just failed an MFA prompt from this IP.",
      "2. If not: the password is compromised; reset it (IAM > Users > Security "
        .. "credentials > Console sign-in > Manage) and tell the user to reject prompts "
        .. "they did not start.",
      "3. CloudTrail > Event history: look for a later successful ConsoleLogin for the user "
        .. "from the same IP.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws iam update-login-profile --user-name <user> --password <new-password> "
        .. "--password-reset-required",
      "aws iam list-mfa-devices --user-name <user>",
    },
  },
  tests = {
    { name = "ConsoleLogin failure after a correct password", fires = true,
      event = "samples/console_login_mfa_failed.json" },
    { name = "CheckMfa failure", fires = true, event = "samples/check_mfa_failed.json",
      alert = { context = { mfa_type = "Virtual MFA" } } },
    { name = "CheckMfa success", fires = false, event = "samples/check_mfa_success.json" },
    { name = "password failure is console_login_failed's", fires = false,
      event = "samples/console_login_failed.json" },
  },
}
