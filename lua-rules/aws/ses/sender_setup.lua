-- SES set up to send: a new sender identity, or sending switched back on.
--
-- After probing (aws.ses.reconnaissance), an attacker who wants to send
-- from your account verifies an address or domain they control, or turns
-- account sending back on after AWS or you paused it. Verified identities
-- are added by mail teams too, so this is low severity: the value is in
-- seeing it next to the probing. Turning sending off is not set-up and
-- stays quiet; failed calls and stacks (CloudFormation) stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function what(e)
  local n = e.eventName
  if n == "UpdateAccountSendingEnabled" then
    return data.is_true(e["requestParameters.enabled"]) and "sending enabled" or nil
  elseif n == "PutAccountSendingAttributes" then
    return data.is_true(e["requestParameters.sendingEnabled"]) and "sending enabled" or nil
  elseif n == "PutAccountDetails" then
    return "production access requested"
  end
  return "identity " .. tostring(e["requestParameters.emailAddress"]
    or e["requestParameters.domain"] or e["requestParameters.emailIdentity"] or "?")
end

rule {
  id = "aws.ses.sender_setup",
  title = "SES sender identity added or sending enabled",
  severity = "low",
  description = "A principal verified a new SES identity, re-enabled account sending or "
    .. "requested production access.",
  tags = { "attack.t1585", "attack.t1585.003", "attack.resource_development", "attack.t1496",
           "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/ses/latest/APIReference/API_VerifyEmailIdentity.html",
    "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentity.html",
    "https://docs.aws.amazon.com/ses/latest/APIReference/API_UpdateAccountSendingEnabled.html",
  },
  on = { eventSource = "ses.amazonaws.com",
         eventName = { "VerifyEmailIdentity", "VerifyEmailAddress", "VerifyDomainIdentity",
                       "CreateEmailIdentity", "UpdateAccountSendingEnabled",
                       "PutAccountSendingAttributes", "PutAccountDetails" } },
  when = function(e)
    return aws.succeeded(e) and not data.is_service_caller(e) and what(e) ~= nil
  end,
  output = "{actor} set SES up to send: {event_name}",
  context = function(e)
    return { change = what(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "VerifyEmailIdentity / VerifyDomainIdentity (SES v1) and CreateEmailIdentity (v2) "
      .. "start verifying an address or domain as a sender; UpdateAccountSendingEnabled or "
      .. "PutAccountSendingAttributes with sending enabled resume sending for the account; "
      .. "PutAccountDetails asks AWS to lift the sandbox.",
    risks = {
      "Resource hijacking: spam or phishing sent through your account, at your cost and "
        .. "under your reputation.",
      "Abuse reports get SES sending paused for your legitimate mail.",
      "Compliance: SOC 2 CC6.1 / CC8.1 (changes to a production service authorised).",
    },
    console = {
      "1. SES > Identities: check the identity from the alert; who owns that domain or "
        .. "mailbox?",
      "2. SES > Account dashboard: sending status and recent sending statistics.",
      "3. If the change is not your mail team's: delete the identity (select it > Delete) "
        .. "and pause sending (Account dashboard).",
      "4. Deactivate the actor's keys if they should not touch SES; review its other calls.",
    },
    cli = {
      "aws ses list-identities",
      "aws ses delete-identity --identity <identity>",
      "aws ses update-account-sending-enabled --no-enabled",
      "aws ses get-send-statistics",
    },
  },
  tests = {
    { name = "user verifies an outside address", fires = true,
      event = "samples/verify_email_identity.json",
      alert = { severity = "low", context = {
        change = "identity billing-notice@mailer-example.net", via_console = false } } },
    { name = "sending re-enabled", fires = true,
      event = { eventSource = "ses.amazonaws.com", eventName = "UpdateAccountSendingEnabled",
                eventTime = "2024-03-14T11:14:00Z",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/x" },
                requestParameters = { enabled = true } },
      alert = { context = { change = "sending enabled", via_console = false } } },
    { name = "sending paused", fires = false,
      event = { eventSource = "ses.amazonaws.com", eventName = "UpdateAccountSendingEnabled",
                eventTime = "2024-03-14T11:14:00Z",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/x" },
                requestParameters = { enabled = false } } },
    { name = "denied", fires = false, event = "samples/verify_email_identity_denied.json" },
    { name = "CloudFormation creating the mail domain", fires = false,
      event = "samples/create_email_identity_cfn.json" },
    { name = "sending mail is not set-up", fires = false, event = "samples/send_email.json" },
  },
}
