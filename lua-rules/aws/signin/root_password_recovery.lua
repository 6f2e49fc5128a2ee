-- A root password reset was requested ("Forgot password?").
--
-- PasswordRecoveryRequested is recorded when someone starts the root user's
-- password recovery from the sign-in page; AWS then mails a reset link to
-- the account email. The owner locked out is the usual reason; someone
-- testing whether they control the account email is the worrying one. Only
-- root has this flow; any outcome fires (the request is the signal).
local aws = require "vigil.aws"

rule {
  id = "aws.signin.root_password_recovery",
  title = "Root user password recovery requested",
  severity = "medium",
  description = "Someone started the root user's forgotten-password flow on the sign-in page.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1078.004", "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reset-root-password.html",
    "https://attack.mitre.org/techniques/T1078/004/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "PasswordRecoveryRequested" },
  when = function(e)
    return aws.is_root(e)
  end,
  output = "Root password recovery requested for account {account} from {source_ip}",
  runbook = {
    about = "The sign-in page's \"Forgot password?\" for the root user sends a reset link "
      .. "to the account's email address. Whoever reads that mailbox can set a new root "
      .. "password (and then still needs the MFA device, if root has one).",
    risks = {
      "Account takeover: an attacker who controls the account email (a compromised "
        .. "mailbox, an expired domain) gets root.",
      "A recovery nobody asked for means someone knows the root email and is trying.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.5 (MFA on the root user) and 1.7 "
        .. "(no daily use of the root user); SOC 2 CC6.1.",
    },
    console = {
      "1. Ask the holder of the root credentials whether they requested a reset.",
      "2. If not: make sure the account email's mailbox is secure (MFA on it, the domain "
        .. "still yours) and that root has MFA.",
      "3. Watch for a following PasswordUpdated and ConsoleLogin by root (vigil raises "
        .. "both).",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=PasswordUpdated",
      "aws account get-contact-information",
    },
  },
  tests = {
    { name = "recovery requested", fires = true,
      event = "samples/password_recovery_requested.json" },
    { name = "not root", fires = false,
      event = { eventSource = "signin.amazonaws.com", eventName = "PasswordRecoveryRequested",
                eventTime = "2024-06-11T10:00:00Z", userIdentity = { type = "IAMUser" } } },
  },
}
