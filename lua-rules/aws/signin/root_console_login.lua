-- The root user signed in to the console.
--
-- Root should sign in only for the few tasks that need it (closing the
-- account, changing its email or support plan), so every successful root
-- sign-in is worth a look; the context says whether MFA was used (without
-- it, aws.signin.console_login_without_mfa stays quiet: this alert already
-- says so). Failures have their own rule. ConsoleLogin always comes from a
-- person: no AWS service case.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.signin.root_console_login",
  title = "Root user signed in to the console",
  severity = "high",
  description = "The account's root user signed in to the AWS Management Console.",
  tags = { "attack.t1078.004", "attack.initial_access", "attack.privilege_escalation",
           "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "cloudtrail-event-reference-aws-console-sign-in-events.html",
    "https://attack.mitre.org/techniques/T1078/004/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin" },
  when = function(e)
    return aws.is_root(e) and identity.signin_result(e) == "Success"
  end,
  output = "Root user of account {account} signed in to the console from {source_ip}",
  context = function(e)
    return { mfa_used = identity.mfa_used(e) }
  end,
  runbook = {
    about = "A successful ConsoleLogin by the root user: the identity that owns the account "
      .. "and that no policy can restrict (only an organization's SCPs and, for member "
      .. "accounts, root access management). AWS advises using it only for the handful of "
      .. "tasks that require it.",
    risks = {
      "Unauthorized access: stolen root credentials give complete, unrestrictable control, "
        .. "including closing the account.",
      "Without MFA (context mfa_used = \"No\") the password alone was enough; CIS AWS "
        .. "Foundations Benchmark v1.2.0 1.13 asks for MFA on root.",
      "Monitoring control: CIS AWS Foundations Benchmark v1.2.0 3.3 asks for an alarm on "
        .. "root account usage; PCI DSS v3.2.1 10.2.2 asks that actions by root or "
        .. "administrative users be logged.",
    },
    console = {
      "1. Find out who holds the root credentials and ask whether they signed in, from "
        .. "this IP, and why.",
      "2. CloudTrail > Event history: filter on User name = root and review every call "
        .. "made in the session.",
      "3. If nobody owns up: sign in as root yourself, change the password (Account > "
        .. "Security credentials), remove unknown MFA devices and access keys, and add MFA.",
      "4. Check the account's contact email and alternate contacts were not changed.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=root",
      "aws iam get-account-summary",
      "aws account get-alternate-contact --alternate-contact-type SECURITY",
    },
  },
  tests = {
    { name = "root sign-in with MFA", fires = true, event = "samples/console_login_root.json",
      alert = { severity = "high", context = { mfa_used = "Yes" } } },
    { name = "root sign-in without MFA", fires = true,
      event = "samples/console_login_root_no_mfa.json",
      alert = { context = { mfa_used = "No" } } },
    { name = "failed root sign-in is root_console_login_failed's", fires = false,
      event = "samples/console_login_root_failed.json" },
    { name = "IAM user sign-in", fires = false, event = "samples/console_login_user_mfa.json" },
  },
}
