-- The console password of another IAM user changed.
--
-- People change their own password (ChangePassword, or this call naming
-- themselves): quiet; vigil.aws is_other_user decides. A failed call changed
-- nothing: quiet. AWS services never reset passwords for you, so there is no
-- service exception. A reset that forces a new password at next sign-in
-- (passwordResetRequired) still fires: the caller can sign in first and set
-- one of their own; the context tells helpdesk resets apart.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.iam.update_login_profile_other_user",
  title = "Console password of another IAM user changed",
  severity = "high",
  description = "A principal set a new console password for an IAM user other than itself.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "UpdateLoginProfile" },
  when = function(e)
    return aws.succeeded(e) and aws.is_other_user(e)
  end,
  output = "{actor} changed the console password of user {requestParameters.userName}",
  context = function(e)
    return { reset_required = data.is_true(e["requestParameters.passwordResetRequired"]),
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "UpdateLoginProfile sets a new console password for an IAM user. Here the "
      .. "caller changed the password of a different user, so the caller knows it and can "
      .. "sign in as that user; the password itself is not recorded in CloudTrail.",
    risks = {
      "Account takeover and persistence: the caller can use the console with all of the "
        .. "target user's permissions.",
      "Lock-out: the legitimate owner can no longer sign in.",
      "If the target has no MFA device, the password alone is enough to sign in (CIS AWS "
        .. "Foundations Benchmark 1.10 asks for MFA on every user with a console password).",
    },
    console = {
      "1. Reach the target user's owner through another channel and ask whether they "
        .. "asked for a reset.",
      "2. IAM > Users: open the target, Security credentials tab, and check Console "
        .. "sign-in (last sign-in) and the MFA devices.",
      "3. CloudTrail > Event history: filter on Event name = ConsoleLogin and look for "
        .. "sign-ins as the target after the change, and their source IPs.",
      "4. If the reset was not requested: Console sign-in > Manage, disable console "
        .. "access (or set a random password that must be reset), then review the actor.",
    },
    cli = {
      "aws iam get-login-profile --user-name <user>",
      "aws iam list-mfa-devices --user-name <user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws iam delete-login-profile --user-name <user>",
      "aws iam update-login-profile --user-name <user> --password <new-password> "
        .. "--password-reset-required",
    },
  },
  tests = {
    { name = "console user resets a colleague's password", fires = true,
      event = "samples/update_login_profile_other_user.json" },
    { name = "admin reset that forces a new password still fires", fires = true,
      event = "samples/update_login_profile_reset_required.json",
      alert = { context = { reset_required = true, via_console = true, root = false } } },
    { name = "user updates own password", fires = false,
      event = "samples/update_login_profile_own.json" },
    { name = "denied call", fires = false,
      event = "samples/update_login_profile_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/update_login_profile_other_user_cfn.json" },
  },
}
