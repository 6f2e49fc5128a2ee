-- An IAM user signed in to the console without MFA.
--
-- Only IAM users are judged: federated sign-ins (IAM Identity Center, SAML,
-- role switching) report MFAUsed "No" because MFA happened at the identity
-- provider, and root has its own high-severity rule that names the MFA
-- state. Failed sign-ins are other rules'. Ported in spirit from the Sigma
-- rule "AWS Successful Console Login Without MFA" (DRL 1.1, author credited
-- below), narrowed to IAM users for the federated case above.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.signin.console_login_without_mfa",
  title = "Console sign-in without MFA",
  severity = "medium",
  author = "Thuya@Hacktilizer, Ivan Saakov (Sigma)",
  description = "An IAM user signed in to the AWS Management Console with a password only.",
  tags = { "attack.t1078.004", "attack.initial_access", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_cloudtrail_console_login_success_without_mfa.yml",
    "https://attack.mitre.org/techniques/T1078/004/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin" },
  when = function(e)
    return e["userIdentity.type"] == "IAMUser" and identity.signin_result(e) == "Success"
      and identity.mfa_used(e) == "No" and e["additionalEventData.SamlProviderArn"] == nil
  end,
  output = "{actor} signed in to the console without MFA from {source_ip}",
  context = function(e)
    return { login_to = e["additionalEventData.LoginTo"], via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "An IAM user signed in to the console with only a password: no MFA device is "
      .. "assigned to the user, or the device was not required. Anyone who learns the "
      .. "password (phishing, reuse, a leaked password manager export) can sign in the "
      .. "same way.",
    risks = {
      "Valid account abuse: a password alone grants every permission of the user.",
      "Compliance: CIS AWS Foundations Benchmark v1.2.0 1.2 (MFA for every user with a "
        .. "console password) and 3.2 (alarm on console sign-in without MFA) apply.",
    },
    console = {
      "1. Ask the user whether they signed in from this IP at this time.",
      "2. IAM > Users > the user > Security credentials: check the MFA section; if empty, "
        .. "have the user assign a device now (Assign MFA device).",
      "3. If the user did not sign in: Console sign-in > Manage > Disable console access, "
        .. "and review CloudTrail > Event history for the session's calls.",
      "4. Consider an IAM policy that denies everything without aws:MultiFactorAuthPresent "
        .. "to force MFA for every user.",
    },
    cli = {
      "aws iam list-mfa-devices --user-name <user>",
      "aws iam delete-login-profile --user-name <user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws iam generate-credential-report",
      "aws iam get-credential-report --query Content --output text",
    },
  },
  tests = {
    { name = "IAM user, password only", fires = true,
      event = "samples/console_login_user_no_mfa.json",
      alert = { author = "Thuya@Hacktilizer, Ivan Saakov (Sigma)",
                context = { login_to = "https://console.aws.amazon.com/iam/home",
                            via_console = true } } },
    { name = "IAM user with MFA", fires = false, event = "samples/console_login_user_mfa.json" },
    { name = "IAM Identity Center sign-in", fires = false,
      event = "samples/console_login_identity_center.json" },
    { name = "SAML federated sign-in", fires = false, event = "samples/console_login_saml.json" },
    { name = "root is root_console_login's", fires = false,
      event = "samples/console_login_root_no_mfa.json" },
    { name = "failed sign-in", fires = false, event = "samples/console_login_failed.json" },
  },
}
