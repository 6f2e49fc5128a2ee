-- An IAM Identity Center access token issued through the device code flow
-- (informational).
--
-- `aws sso login` signs in with the OAuth device authorization grant: the
-- tool gets a code, a person approves it in a browser, and the tool's
-- CreateToken call receives an access token for the user's AWS accounts.
-- Device code phishing abuses the same flow: the attacker starts it, sends
-- the victim the approval link, and their CreateToken is the moment they
-- get the victim's access. Both look alike in one record (the attacker's IP
-- and user agent are the only hints), so this is an info signal for
-- correlation; tying the approval (victim's browser IP) to the token (the
-- tool's IP) is a sequence for the stateful engine. Refresh-token grants
-- renew an existing sign-in: quiet. The tool polls until approval, so
-- AuthorizationPendingException failures are normal: quiet. The OIDC calls
-- are logged under sso-oauth.amazonaws.com; older records used
-- sso.amazonaws.com, so both are indexed.
local aws = require "vigil.aws"

rule {
  id = "aws.sso.device_code_token",
  title = "IAM Identity Center token issued through the device code flow",
  severity = "info",
  description = "CreateToken with the device_code grant returned an IAM Identity Center "
    .. "access token to a command-line tool or script.",
  tags = { "attack.t1528", "attack.credential_access", "attack.t1566.002",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html",
    "https://docs.aws.amazon.com/singlesignon/latest/userguide/logging-using-cloudtrail.html",
    "https://attack.mitre.org/techniques/T1528/",
  },
  on = { eventSource = { "sso-oauth.amazonaws.com", "sso.amazonaws.com" },
         eventName = "CreateToken" },
  when = function(e)
    local grant = e["requestParameters.grantType"]
    return aws.succeeded(e) and type(grant) == "string"
      and grant:find("device_code", 1, true) ~= nil
  end,
  output = "Identity Center token issued for {userIdentity.userName} to {user_agent} at "
    .. "{source_ip}",
  context = function(e)
    return { client_id = e["requestParameters.clientId"],
             expires_in = e["responseElements.expiresIn"] }
  end,
  runbook = {
    about = "A tool finished the device code sign-in of IAM Identity Center: it now holds "
      .. "an access token (and usually a refresh token) that lists and opens every AWS "
      .. "account and permission set the user is assigned. Developers do this daily with "
      .. "aws sso login; a phisher does it after tricking a user into approving their code.",
    risks = {
      "Steal application access token: the token is as good as the user's portal "
        .. "session for AWS access, for as long as the session lasts.",
      "Phishing: an approval the user did not start is indistinguishable on their side "
        .. "from their own sign-in.",
      "Compliance: NIST 800-53 IA-2 (identification and authentication) and SOC 2 CC6.1: a "
        .. "device-code approval can be phished.",
    },
    console = {
      "1. Compare the source IP and user agent with the user's usual ones (their own "
        .. "CLI, their office or VPN).",
      "2. If they differ, ask the user whether they ran aws sso login just now.",
      "3. If not: IAM Identity Center > Users > the user > Active sessions: delete the "
        .. "sessions; then review CloudTrail for GetRoleCredentials and the calls made in "
        .. "each account since.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=GetRoleCredentials",
      "aws sso-admin list-instances",
      "aws identitystore list-users --identity-store-id <identity-store-id>",
    },
  },
  tests = {
    { name = "device code grant from a script", fires = true,
      event = "samples/create_token_device_code.json",
      alert = { severity = "info", context = { client_id = "EXAMPLEclientIdvalue-dXMtZWFzdC0x",
                                               expires_in = 3600 } } },
    { name = "refresh of an existing session", fires = false,
      event = "samples/create_token_refresh.json" },
    { name = "polling before approval", fires = false,
      event = "samples/create_token_pending.json" },
  },
}
