-- An MFA device deactivated.
--
-- Fires for the caller's own device too: an attacker holding a session
-- removes MFA from the account they took over just as easily as from
-- another; the context says which it was. A failed call changed nothing:
-- quiet. AWS services never deactivate MFA for you: no service exception.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.deactivate_mfa_device",
  title = "MFA device deactivated",
  severity = "medium",
  description = "A principal deactivated an MFA device, so sign-in no longer asks for the "
    .. "second factor.",
  tags = { "attack.t1556.006", "attack.defense_evasion", "attack.persistence",
           "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html",
    "https://attack.mitre.org/techniques/T1556/006/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeactivateMFADevice" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} deactivated MFA device {requestParameters.serialNumber}",
  context = function(e)
    return { other_user = aws.is_other_user(e), user = e["requestParameters.userName"],
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeactivateMFADevice detaches an MFA device from an IAM user (or the root "
      .. "user), so signing in no longer asks for a second factor. Administrators do it "
      .. "when someone loses a device, and the user should register a new one right away.",
    risks = {
      "Defense evasion and credential access: without MFA, a stolen or reset password is "
        .. "enough to sign in.",
      "Compliance: CIS AWS Foundations Benchmark 1.10 (MFA for console users) and, for the "
        .. "root user, 1.5; PCI DSS v4.0 8.4 (MFA into the cardholder data environment).",
    },
    console = {
      "1. IAM > Users: open the user from the alert, Security credentials tab, MFA "
        .. "section, and check whether a new device was assigned.",
      "2. Reach the user through another channel and ask whether they asked for the "
        .. "reset.",
      "3. CloudTrail > Event history: filter on Event name = ConsoleLogin and look for "
        .. "sign-ins by the user since the change (additionalEventData.MFAUsed = No).",
      "4. Have the user assign a new MFA device now; if the reset was not requested, "
        .. "disable their console access until it is sorted out and review the actor.",
    },
    cli = {
      "aws iam list-mfa-devices --user-name <user>",
      "aws iam list-virtual-mfa-devices --assignment-status Unassigned",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=ConsoleLogin",
      "aws iam delete-login-profile --user-name <user>",
      "aws iam enable-mfa-device --user-name <user> --serial-number <mfa-arn> "
        .. "--authentication-code1 <code1> --authentication-code2 <code2>",
    },
  },
  tests = {
    { name = "admin role removes a user's MFA", fires = true,
      event = "samples/deactivate_mfa_device.json" },
    { name = "console user removes own MFA", fires = true,
      event = "samples/deactivate_mfa_device_own.json" },
    { name = "denied call", fires = false,
      event = "samples/deactivate_mfa_device_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/deactivate_mfa_device_cfn.json" },
  },
}
