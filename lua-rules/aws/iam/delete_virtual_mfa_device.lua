-- A virtual MFA device deleted.
--
-- Deleting a device that is still assigned fails (DeleteConflict), so a
-- success follows a deactivation or removes an unassigned device; both
-- remove a second factor an account could have used. Fires for any caller:
-- AWS services do not delete MFA devices for you. A failed call deleted
-- nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.delete_virtual_mfa_device",
  title = "Virtual MFA device deleted",
  severity = "medium",
  description = "A principal deleted a virtual MFA device, removing a second factor from "
    .. "an IAM user (or from the pool of devices waiting to be assigned).",
  tags = { "attack.t1556.006", "attack.defense_evasion", "attack.persistence",
           "attack.t1531", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html",
    "https://attack.mitre.org/techniques/T1556/006/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeleteVirtualMFADevice" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} deleted virtual MFA device {requestParameters.serialNumber}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeleteVirtualMFADevice removes a virtual (authenticator app) MFA device from "
      .. "the account. IAM refuses to delete a device still assigned to a user, so this "
      .. "usually comes right after DeactivateMFADevice; the pair leaves the user signing "
      .. "in with a password alone, or lets an attacker enrol their own device instead.",
    risks = {
      "Weakened authentication: the user's console sign-in no longer needs a second factor "
        .. "(CIS AWS Foundations Benchmark v1.2.0 1.2 asks for MFA on every console user).",
      "Account takeover: an attacker who knows the password removes the owner's device and "
        .. "registers one they hold.",
      "Lock-out of the legitimate owner, if MFA is enforced by policy.",
    },
    console = {
      "1. From the serial number (arn:aws:iam::<account>:mfa/<name>) find the user: IAM > "
        .. "Users, Security credentials tab of the likely owner.",
      "2. CloudTrail > Event history: filter on Event name = DeactivateMFADevice and "
        .. "EnableMFADevice to see what happened before and after.",
      "3. Contact the owner; if they did not do it, reset their password and have them "
        .. "register a new MFA device (Security credentials > Assign MFA device).",
      "4. Review the actor's other calls for password or key changes.",
    },
    cli = {
      "aws iam list-virtual-mfa-devices",
      "aws iam list-mfa-devices --user-name <user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=DeactivateMFADevice",
      "aws iam create-virtual-mfa-device --virtual-mfa-device-name <name> "
        .. "--outfile <qr.png> --bootstrap-method QRCodePNG",
      "aws iam enable-mfa-device --user-name <user> --serial-number <serial> "
        .. "--authentication-code1 <code1> --authentication-code2 <code2>",
    },
  },
  tests = {
    { name = "device deleted", fires = true, event = "samples/delete_virtual_mfa_device.json" },
    { name = "device still assigned (DeleteConflict)", fires = false,
      event = "samples/delete_virtual_mfa_device_conflict.json" },
    { name = "denied call", fires = false,
      event = "samples/delete_virtual_mfa_device_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/delete_virtual_mfa_device_cfn.json" },
  },
}
