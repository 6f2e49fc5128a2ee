-- An IAM user got session credentials without MFA (GetSessionToken).
--
-- GetSessionToken with an MFA code is how users open MFA-protected CLI
-- sessions: quiet. Without one it only converts a long-term key into
-- temporary credentials (up to 36 hours), which keep working after the
-- key is deactivated: a known way to hold on to a stolen key. Only IAM
-- users and root can call it (role sessions are refused). The Sigma and
-- Panther rules flag every call by an IAM user; ours leaves out the MFA
-- ones, which are the normal use. A failed call: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.sts.get_session_token_without_mfa",
  title = "Session credentials issued without MFA (GetSessionToken)",
  severity = "low",
  description = "An IAM user or root called GetSessionToken without an MFA code, turning a "
    .. "long-term access key into temporary credentials.",
  tags = { "attack.t1550.001", "attack.defense_evasion", "attack.t1078.004",
           "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html",
    "https://attack.mitre.org/techniques/T1550/001/",
  },
  on = { eventSource = "sts.amazonaws.com", eventName = "GetSessionToken" },
  when = function(e)
    local t = e["userIdentity.type"]
    return aws.succeeded(e) and (t == "IAMUser" or t == "Root")
      and e["requestParameters.serialNumber"] == nil
  end,
  output = "{actor} got session credentials without MFA from {source_ip}",
  context = function(e)
    return { duration_seconds = e["requestParameters.durationSeconds"], root = aws.is_root(e),
             access_key = e["userIdentity.accessKeyId"] }
  end,
  runbook = {
    about = "GetSessionToken exchanges an IAM user's access key for temporary credentials. "
      .. "With an MFA code it is the standard way to open MFA-protected CLI sessions; "
      .. "without one it adds no security and mostly serves to get credentials that keep "
      .. "working (up to 36 hours) after the access key is deactivated or deleted.",
    risks = {
      "Persistence: an attacker with a stolen key keeps access after you rotate the key.",
      "The credentials cannot call IAM without MFA, but every other permission of the "
        .. "user works.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.10 (MFA for users), PCI DSS 8.4.2"
        .. " (MFA for access into the cardholder data environment), NIST 800-53 IA-2(1).",
    },
    console = {
      "1. Check with the user's owner whether a tool of theirs calls GetSessionToken; "
        .. "compare source IP and user agent with their usual ones.",
      "2. If not: IAM > Users > the user > Permissions > Create inline policy denying all "
        .. "actions with a condition on aws:TokenIssueTime before now, or simply deny all "
        .. "until the investigation ends (sessions never exceed the user's permissions).",
      "3. Deactivate the access key used (context access_key) on the Security credentials "
        .. "tab.",
      "4. CloudTrail > Event history: filter on AWS access key = the new temporary key id "
        .. "(responseElements.credentials.accessKeyId) to see what it did.",
    },
    cli = {
      "aws iam put-user-policy --user-name <user> --policy-name deny-all "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}'",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<temporary-key-id>",
    },
  },
  tests = {
    { name = "36-hour session without MFA", fires = true, event = "samples/get_session_token.json",
      alert = { context = { duration_seconds = 129600, root = false,
                            access_key = "AKIAYQ3EXAMPLEBLD2KQ" } } },
    { name = "MFA-protected CLI session", fires = false,
      event = "samples/get_session_token_mfa.json" },
    { name = "refused call", fires = false, event = "samples/get_session_token_denied.json" },
    { name = "role sessions cannot call it", fires = false,
      event = { eventSource = "sts.amazonaws.com", eventName = "GetSessionToken",
                eventTime = "2024-06-11T10:00:00Z",
                userIdentity = { type = "AssumedRole",
                                 arn = "arn:aws:sts::111122223333:assumed-role/r/s" } } },
  },
}
