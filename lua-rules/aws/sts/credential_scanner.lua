-- A credential-scanning tool verified one of your keys (GetCallerIdentity).
--
-- Secret scanners such as TruffleHog call sts:GetCallerIdentity with every
-- AWS key they find, to check it is live and learn whose it is; they say so
-- in the user agent (vigil.identity scanner_agents, tune per site). Ported
-- from the Sigma rule "AWS STS GetCallerIdentity Enumeration Via
-- TruffleHog" (DRL 1.1, author credited below). Your own security team may
-- run the same scanner: the runbook starts there. GetCallerIdentity needs no
-- permission and never fails for a valid key; AWS services do not present
-- these agents.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.sts.credential_scanner",
  title = "Access key verified by a credential-scanning tool",
  severity = "medium",
  author = "Adan Alvarez @adanalvarez (Sigma)",
  description = "GetCallerIdentity was called with one of the account's keys by a tool "
    .. "whose user agent names a secret scanner such as TruffleHog.",
  tags = { "attack.t1552", "attack.credential_access", "attack.t1087.004",
           "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_sts_getcalleridentity_trufflehog.yml",
    "https://attack.mitre.org/techniques/T1552/",
  },
  on = { eventSource = "sts.amazonaws.com", eventName = "GetCallerIdentity" },
  when = function(e)
    return identity.agent_has(e, identity.scanner_agents)
  end,
  output = "{actor}'s key was verified by {user_agent} from {source_ip}",
  context = function(e)
    return { access_key = e["userIdentity.accessKeyId"], identity_type = e["userIdentity.type"] }
  end,
  runbook = {
    about = "GetCallerIdentity answers \"whose key is this?\" and works for any valid "
      .. "credential without permissions. Secret scanners call it for every AWS key they "
      .. "find in code, images or paste sites. Seeing their user agent in your CloudTrail "
      .. "means a scanner found a working key of yours; if it is not your own security "
      .. "team's scan, someone else has the key.",
    risks = {
      "Unsecured credentials: the key (context access_key) is exposed wherever the scanner "
        .. "looked, often a public repository.",
      "Unauthorized access follows quickly: leaked AWS keys are abused within minutes of "
        .. "publication.",
      "Compliance: PCI DSS 8.6.2 (no credentials hard-coded in code or files) and CIS AWS "
        .. "Foundations Benchmark v1.4.0 1.14 (rotate access keys every 90 days).",
    },
    console = {
      "1. Ask your security team whether they ran a secret scan from this source IP.",
      "2. If not: IAM > Users > the key's user > Security credentials: deactivate the key "
        .. "now, then create a replacement for the owner.",
      "3. Find where the key leaked (search your repositories and images for the key id) "
        .. "and remove it from history.",
      "4. CloudTrail > Event history: filter on AWS access key = the key id and review "
        .. "every other call made with it.",
    },
    cli = {
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<key-id>",
      "aws iam create-access-key --user-name <user>",
      "aws iam delete-access-key --user-name <user> --access-key-id <key-id>",
    },
  },
  tests = {
    { name = "TruffleHog user agent", fires = true,
      event = "samples/get_caller_identity_trufflehog.json",
      alert = { author = "Adan Alvarez @adanalvarez (Sigma)",
                context = { access_key = "AKIAYQ3EXAMPLEBLD2KQ", identity_type = "IAMUser" } } },
    { name = "trufflehog/3 with the Go SDK", fires = true,
      event = "samples/get_caller_identity_trufflehog_go.json" },
    { name = "AWS CLI", fires = false, event = "samples/get_caller_identity_cli.json" },
    { name = "TruffleHog agent on another STS call", fires = false,
      event = { eventSource = "sts.amazonaws.com", eventName = "AssumeRole",
                eventTime = "2024-06-11T10:00:00Z", userAgent = "TruffleHog" } },
  },
}
