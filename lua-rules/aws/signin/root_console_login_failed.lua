-- A failed console sign-in as the root user.
--
-- One failure can be the owner mistyping; it is still rare enough to see,
-- and the password prompt for root is the one attackers most want to pass.
-- Repeated failures (guessing) are a counting rule for the stateful engine;
-- this fires on each. Sign-in failures carry no errorCode: the outcome is
-- responseElements.ConsoleLogin.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.signin.root_console_login_failed",
  title = "Failed root user console sign-in",
  severity = "medium",
  description = "A console sign-in as the account's root user failed.",
  tags = { "attack.t1110", "attack.credential_access", "attack.t1078.004",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "cloudtrail-event-reference-aws-console-sign-in-events.html",
    "https://attack.mitre.org/techniques/T1110/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin" },
  when = function(e)
    return aws.is_root(e) and identity.signin_result(e) == "Failure"
  end,
  output = "Failed root sign-in to account {account} from {source_ip}",
  context = function(e)
    return { error_message = e.errorMessage, user_agent = e.userAgent }
  end,
  runbook = {
    about = "Someone entered the root user's email address and a wrong password (or failed "
      .. "the next step) on the console sign-in page. Root sign-in needs only the account "
      .. "email, which is often easy to find, so root password guessing is common.",
    risks = {
      "Credential access: password guessing against the most powerful identity; if MFA is "
        .. "not set on root, one right guess is full control.",
      "Monitoring control: CIS AWS Foundations Benchmark v1.2.0 3.6 asks for an alarm on "
        .. "console authentication failures; PCI DSS v3.2.1 10.2.4 asks that invalid access "
        .. "attempts be logged.",
    },
    console = {
      "1. Ask the holder of the root credentials whether they tried to sign in from this IP.",
      "2. CloudTrail > Event history: filter on Event name = ConsoleLogin and look for "
        .. "more failures, or a success, for root from the same IP.",
      "3. Make sure root has MFA (IAM > Dashboard shows it) and a long unique password.",
      "4. If attempts continue, consider changing the root email to an address that is "
        .. "not published.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=ConsoleLogin",
      "aws iam get-account-summary",
    },
  },
  tests = {
    { name = "wrong root password", fires = true, event = "samples/console_login_root_failed.json",
      alert = { context = { error_message = "Failed authentication",
                            user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                              .. "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 "
                              .. "Safari/537.36" } } },
    { name = "successful root sign-in", fires = false, event = "samples/console_login_root.json" },
    { name = "failed IAM user sign-in", fires = false,
      event = "samples/console_login_failed.json" },
  },
}
