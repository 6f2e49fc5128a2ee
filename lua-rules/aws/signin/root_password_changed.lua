-- The root user's password changed.
--
-- PasswordUpdated is a sign-in event (eventType AwsConsoleSignIn) with no
-- errorCode; its outcome is responseElements.PasswordUpdated. Only the root
-- user's change is judged here: IAM users changing their own password is
-- routine, and another user's password is update_login_profile_other_user's.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.signin.root_password_changed",
  title = "Root user password changed",
  severity = "high",
  description = "The password of the account's root user was changed.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1531", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_change-root.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "PasswordUpdated" },
  when = function(e)
    return aws.is_root(e) and identity.signin_result(e) == "Success"
  end,
  output = "Root password of account {account} changed from {source_ip}",
  runbook = {
    about = "Whoever was signed in as root set a new root password. Root can do anything in "
      .. "the account, and its password (with MFA, if set) is how it signs in: the person "
      .. "who changed it now decides who has root.",
    risks = {
      "Account takeover and lock-out: an intruder with a root session changes the password "
        .. "so the owner cannot get back in, then the email address and MFA.",
      "Monitoring control: CIS AWS Foundations Benchmark v1.2.0 3.3 asks for an alarm on "
        .. "root account usage.",
    },
    console = {
      "1. Ask the holder of the root credentials whether they changed the password, from "
        .. "this IP.",
      "2. If not: try to sign in as root; if the password no longer works, use Forgot "
        .. "password (it mails the account email) at once, and contact AWS Support if the "
        .. "email was changed too.",
      "3. Once in: Account > Security credentials, check MFA devices and access keys; "
        .. "Account settings, check the email and alternate contacts.",
      "4. CloudTrail > Event history: filter on User name = root for everything the "
        .. "session did.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=root",
      "aws account get-contact-information",
      "aws account get-alternate-contact --alternate-contact-type SECURITY",
    },
  },
  tests = {
    { name = "root password changed", fires = true, event = "samples/password_updated_root.json",
      alert = { severity = "high" } },
    { name = "change that failed", fires = false,
      event = "samples/password_updated_root_failed.json" },
    { name = "IAM user changing a password", fires = false,
      event = { eventSource = "signin.amazonaws.com", eventName = "PasswordUpdated",
                eventTime = "2024-06-11T10:00:00Z",
                userIdentity = { type = "IAMUser", userName = "bob" },
                responseElements = { PasswordUpdated = "Success" } } },
  },
}
