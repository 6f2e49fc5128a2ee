-- One principal checking what SES would let it send.
--
-- Stolen keys are sold and used for spam and phishing through SES, and the
-- first thing the buyer does is look: is sending enabled, what is the quota,
-- which identities (domains, addresses) are verified. Each of these reads is
-- routine alone (the console's SES pages call several; Trusted Advisor calls
-- GetSendQuota), so the rule counts DISTINCT SES read APIs per principal: 3
-- different ones within 15 minutes, one alert per principal per 6 hours.
-- Denied reads count: the buyer testing a key that cannot is the same act.
-- AWS services and service-linked roles (Trusted Advisor) are skipped.
-- People browsing the SES console trip it too: the context says whether
-- the session came from the console.
local aws = require "vigil.aws"
local data = require "vigil.data"

-- The SES (v1 and v2) read calls that tell a caller whether and how much it
-- can send.
local RECON = {
  "GetSendQuota", "GetSendStatistics", "GetAccountSendingEnabled", "GetAccount",
  "ListIdentities", "ListEmailIdentities", "GetIdentityVerificationAttributes",
  "GetEmailIdentity", "ListVerifiedEmailAddresses", "GetIdentityDkimAttributes",
  "ListConfigurationSets", "DescribeActiveReceiptRuleSet",
}

local function call(name, minute, opts)
  return { eventSource = "ses.amazonaws.com", eventName = name,
           eventTime = string.format("2024-03-14T11:%02d:00Z", minute),
           errorCode = opts.denied and "AccessDenied" or nil,
           sourceIPAddress = opts.service and "trustedadvisor.amazonaws.com" or "198.51.100.99",
           userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/"
                            .. (opts.who or "ci-deploy") } }
end

rule {
  id = "aws.ses.reconnaissance",
  title = "SES sending capability probed by one principal",
  severity = "medium",
  description = "One principal called 3 or more different SES read APIs (send quota, "
    .. "sending enabled, verified identities...) within 15 minutes.",
  tags = { "attack.t1580", "attack.discovery", "attack.t1496", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/ses/latest/APIReference/API_GetSendQuota.html",
    "https://docs.aws.amazon.com/ses/latest/dg/monitor-sending-activity.html",
    "https://attack.mitre.org/techniques/T1580/",
  },
  on = { eventSource = "ses.amazonaws.com", eventName = RECON },
  when = function(e)
    return not data.is_service_caller(e)
  end,
  distinct = { count = 3, window = "15m", field = "eventName" },
  dedup = { window = "6h" },
  output = "{actor} probed SES sending capability ({event_name} and 2 or more other reads)",
  context = function(e)
    return { via_console = aws.is_console(e), last_call_denied = aws.failed(e) }
  end,
  runbook = {
    about = "GetSendQuota, GetAccountSendingEnabled, ListIdentities, "
      .. "GetIdentityVerificationAttributes and the SESv2 GetAccount / ListEmailIdentities "
      .. "tell a caller whether the account can send email, how much, and from which "
      .. "verified domains and addresses. Attackers with stolen AWS keys run exactly these "
      .. "checks before using SES for spam or phishing.",
    risks = {
      "Resource hijacking: your domains and sending reputation used for spam or phishing.",
      "Cost and account standing: bounces and complaints get SES sending paused for the "
        .. "whole account, breaking legitimate mail.",
      "Compliance: SOC 2 CC7.2 (anomalous use of credentials detected); the key used must "
        .. "be treated as possibly compromised.",
    },
    console = {
      "1. CloudTrail > Event history: Event source = ses.amazonaws.com, User name = the "
        .. "actor; note which calls, from which IP and user agent.",
      "2. Check whether the principal has any business with SES (a mailer service, a person "
        .. "in the console: see via_console).",
      "3. If not: deactivate its access keys (IAM > Users > Security credentials) or revoke "
        .. "the role's sessions.",
      "4. SES > Account dashboard: check sending statistics for a spike; SES > Identities: "
        .. "look for identities you did not create.",
      "5. Remove ses:* from principals that do not send mail.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=ses.amazonaws.com",
      "aws ses get-send-statistics",
      "aws sesv2 list-email-identities",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
    },
  },
  tests = {
    { name = "four reads: one alert, the fourth folded in", fires = false, alerts = 1,
      events = { "samples/get_send_quota.json", "samples/get_account_sending_enabled.json",
                 "samples/list_identities.json",
                 "samples/get_identity_verification_attributes.json" },
    },
    { name = "quota, sending enabled, identities in a minute", fires = true,
      events = { "samples/get_send_quota.json", "samples/get_account_sending_enabled.json",
                 "samples/list_identities.json" },
      alert = { severity = "medium" } },
    { name = "a single quota check is routine", fires = false,
      event = "samples/get_send_quota.json" },
    { name = "the same call repeated", fires = false,
      events = { call("GetSendQuota", 0, {}), call("GetSendQuota", 1, {}),
                 call("GetSendQuota", 2, {}), call("GetSendQuota", 3, {}) } },
    { name = "three reads over an hour", fires = false,
      events = { call("GetSendQuota", 0, {}), call("ListIdentities", 20, {}),
                 call("GetAccount", 40, {}) } },
    { name = "three principals, one read each", fires = false,
      events = { call("GetSendQuota", 0, {}), call("ListIdentities", 1, { who = "b" }),
                 call("GetAccount", 2, { who = "c" }) } },
    { name = "denied reads count", fires = true,
      events = { "samples/get_send_quota_denied.json", call("ListIdentities", 11, {
                 denied = true }), call("GetAccount", 12, { denied = true }) },
      alert = { context = { via_console = false, last_call_denied = true,
                            distinct = { count = 3, window_seconds = 900 } } } },
    { name = "Trusted Advisor checks", fires = false,
      events = { "samples/get_send_quota_trusted_advisor.json",
                 call("GetSendStatistics", 12, { service = true }),
                 call("GetAccountSendingEnabled", 12, { service = true }) } },
  },
}
