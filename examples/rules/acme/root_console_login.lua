-- Dynamic output: title, severity and context computed from the event,
-- with helpers from vigil.aws and our own module (lib/acme/accounts.lua).
local aws = require "vigil.aws"
local accounts = require "acme.accounts"

local function mfa(e)
  return e["additionalEventData.MFAUsed"] == "Yes"
end

rule {
  id = "acme.signin.root_console_login",
  title = function(e)
    return mfa(e) and "Root user signed in" or "Root user signed in without MFA"
  end,
  severity = function(e)
    return accounts.is_production(aws.account(e)) and "critical" or "high"
  end,
  description = "The account's root user signed in to the console.",
  tags = { "attack.t1078.004", "attack.initial_access" },
  references = { "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html" },
  on = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin" },
  when = function(e) return aws.is_root(e) and aws.succeeded(e) end,
  output = "root signed in to {account} from {sourceIPAddress}",
  context = function(e)
    return { account_name = accounts.name(aws.account(e)), mfa = mfa(e) }
  end,
  runbook = {
    about = "Root can do anything, and no policy limits it; day-to-day work never needs it.",
    risks = { "Full control of the account, including closing it." },
    console = { "1. Ask the account owner whether they signed in.",
                "2. If not: reset the root password and MFA, then review CloudTrail." },
    cli = { "aws iam get-account-summary --query SummaryMap.AccountMFAEnabled" },
  },
  tests = {
    { name = "production, no MFA", event = "samples/root_login.json", fires = true,
      alert = { title = "Root user signed in without MFA", severity = "critical",
                context = { account_name = "payments-prod", mfa = false } } },
    { name = "sandbox, with MFA", fires = true,
      event = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin",
                eventTime = "2024-06-01T10:00:00Z", recipientAccountId = "444455556666",
                userIdentity = { type = "Root", arn = "arn:aws:iam::444455556666:root" },
                responseElements = { ConsoleLogin = "Success" },
                additionalEventData = { MFAUsed = "Yes" } },
      alert = { title = "Root user signed in", severity = "high" } },
    { name = "an IAM user", fires = false,
      event = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin",
                eventTime = "2024-06-01T10:00:00Z",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/bob" },
                responseElements = { ConsoleLogin = "Success" } } },
  },
}
