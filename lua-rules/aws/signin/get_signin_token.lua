-- Temporary credentials turned into a console sign-in (GetSigninToken).
--
-- The federation endpoint's GetSigninToken exchanges temporary credentials
-- for a console sign-in link. The IAM Identity Center portal does this for
-- every console session it opens, with the user agent
-- "Jersey/${project.version}": quiet. Anything else is a script or tool
-- (aws_consoler, pacu, a homemade broker) making stolen or API-only
-- credentials usable in a browser. Ported from the Sigma rule "AWS Console
-- GetSigninToken Potential Abuse" (DRL 1.1, author credited below). A
-- refused call gave no link: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.signin.get_signin_token",
  title = "Console sign-in link made from temporary credentials",
  severity = "medium",
  author = "Chester Le Bron (@123Le_Bron) (Sigma)",
  description = "GetSigninToken exchanged temporary credentials for a console sign-in "
    .. "token, from a client other than the IAM Identity Center portal.",
  tags = { "attack.t1550.001", "attack.lateral_movement", "attack.defense_evasion",
           "attack.t1078.004" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
      .. "id_roles_providers_enable-console-custom-url.html",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_console_getsignintoken.yml",
    "https://attack.mitre.org/techniques/T1550/001/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "GetSigninToken" },
  when = function(e)
    return aws.succeeded(e) and e.userAgent ~= "Jersey/${project.version}"
  end,
  output = "{actor} got a console sign-in token from {source_ip} with {user_agent}",
  context = function(e)
    return { identity_type = e["userIdentity.type"] }
  end,
  runbook = {
    about = "GetSigninToken is the federation endpoint call that turns temporary "
      .. "credentials (from AssumeRole or GetFederationToken) into a sign-in token for the "
      .. "console URL. Identity brokers use it; so do attacker tools that take a stolen "
      .. "key or session and open a browser console with it.",
    risks = {
      "Use of alternate authentication material: API-only credentials become an "
        .. "interactive console session, where actions are harder to attribute.",
      "Defense evasion: console sessions opened this way bypass the MFA and sign-in "
        .. "controls of ConsoleLogin.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.10 (MFA for console users) is "
        .. "sidestepped: the console session comes from API credentials; SOC 2 CC6.1.",
    },
    console = {
      "1. Look at the identity (context identity_type, actor) and user agent: is there a "
        .. "known broker that signs people in this way?",
      "2. If not: treat the credentials as stolen. For a role session, IAM > Roles > the "
        .. "role > Revoke sessions; for a federated user, deny all on its IAM user.",
      "3. CloudTrail > Event history: filter on User name = the session name and review "
        .. "what the console session did.",
    },
    cli = {
      "aws iam put-role-policy --role-name <role> --policy-name AWSRevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
      "aws iam put-user-policy --user-name <user> --policy-name deny-all "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}'",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<session-name>",
    },
  },
  tests = {
    { name = "federated user token from python-requests", fires = true,
      event = "samples/get_signin_token.json",
      alert = { author = "Chester Le Bron (@123Le_Bron) (Sigma)",
                context = { identity_type = "FederatedUser" } } },
    { name = "IAM Identity Center portal", fires = false,
      event = "samples/get_signin_token_portal.json" },
    { name = "refused call", fires = false,
      event = { eventSource = "signin.amazonaws.com", eventName = "GetSigninToken",
                eventTime = "2024-06-11T10:00:00Z", errorCode = "AccessDenied",
                userAgent = "python-requests/2.31.0" } },
  },
}
