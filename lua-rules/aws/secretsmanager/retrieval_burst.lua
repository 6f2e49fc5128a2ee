-- One principal reading many different secrets in a short time.
--
-- Applications read the few secrets they need, again and again; a person or
-- a stolen key sweeping the vault reads many different ones once each. So
-- the rule counts DISTINCT secrets per principal (the alert's actor): 10 in
-- 10 minutes, one alert per principal per hour. Denied attempts count too,
-- on purpose: a stolen key trying secret after secret is the same sweep,
-- and the denials are often the only trace of it. AWS services reading on
-- your behalf (invokedBy: CloudFormation resolving dynamic references, RDS,
-- Lambda rotation through the service) are skipped.
--
-- Known limit: the engine counts one value per event, so a BatchGetSecretValue
-- naming 20 secrets counts once (its sorted id list or filter text is the
-- value). aws.secretsmanager.batch_retrieve_all covers the one-call sweep;
-- counting each id would need a distinct form that takes a list of values.
-- Likewise a filtered batch call paged five times (Stratus Red Team's
-- batch-retrieve-secrets: tag-key filter, up to 20 secrets a page) counts
-- once and stays quiet here; weighting a call by the secrets it returned
-- needs responseElements, which CloudTrail does not log for this call.
local aws = require "vigil.aws"
local data = require "vigil.data"

-- Test events: n reads one `step` minutes apart by alice. opts: same (one
-- secret), two (alternate between two principals), denied, service (through
-- CloudFormation), arn_twin (each secret read by name, then by ARN).
local function reads(n, step, opts)
  local out = {}
  for i = 1, n do
    local who = (opts.two and i % 2 == 0) and "bob" or "alice"
    local id = "prod/app/secret-" .. (opts.same and 1 or i)
    if opts.arn_twin then
      id = "prod/app/secret-" .. ((i + 1) // 2)
      if i % 2 == 0 then
        id = "arn:aws:secretsmanager:us-east-1:111122223333:secret:" .. id .. "-Ab12Cd"
      end
    end
    out[i] = {
      eventSource = "secretsmanager.amazonaws.com", eventName = "GetSecretValue",
      eventTime = string.format("2024-03-14T11:%02d:%02dZ", (i - 1) * step, i),
      awsRegion = "us-east-1", sourceIPAddress = "198.51.100.99",
      errorCode = opts.denied and "AccessDenied" or nil,
      userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/" .. who,
                       invokedBy = opts.service and "cloudformation.amazonaws.com" or nil },
      requestParameters = { secretId = id },
    }
  end
  return out
end

rule {
  id = "aws.secretsmanager.retrieval_burst",
  title = "Burst of secret retrievals by one principal",
  severity = "high",
  description = "One principal called GetSecretValue or BatchGetSecretValue on 10 or more "
    .. "different secrets within 10 minutes.",
  tags = { "attack.t1555", "attack.t1555.006", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html",
    "https://attack.mitre.org/techniques/T1555/006/",
    "https://stratus-red-team.cloud/attack-techniques/AWS/"
      .. "aws.credential-access.secretsmanager-retrieve-secrets/",
  },
  on = { eventSource = "secretsmanager.amazonaws.com",
         eventName = { "GetSecretValue", "BatchGetSecretValue" } },
  when = function(e)
    return not aws.is_aws_service(e)
  end,
  distinct = { count = 10, window = "10m", field = data.secret_target },
  dedup = { window = "1h" },
  output = "{actor} read 10 or more different secrets within 10 minutes (last: "
    .. "{requestParameters.secretId})",
  context = function(e)
    return { last_call_denied = aws.failed(e) }
  end,
  runbook = {
    about = "Secrets Manager's GetSecretValue returns a secret's plaintext value; "
      .. "BatchGetSecretValue returns several at once. One principal asked for at least 10 "
      .. "different secrets within 10 minutes. Workloads read a small, fixed set of "
      .. "secrets; reading many distinct ones is what a person or tool harvesting "
      .. "credentials does (for example Stratus Red Team's secretsmanager-retrieve-secrets).",
    risks = {
      "Credential access: database passwords, API keys and tokens now in the caller's hands "
        .. "give access to systems beyond AWS.",
      "Lateral movement and privilege escalation with the harvested credentials.",
      "Compliance: PCI DSS 10.2.1 (access to cardholder-data credentials logged and "
        .. "reviewed), SOC 2 CC6.1 / CC7.2; the harvest must be investigated as an incident.",
    },
    console = {
      "1. CloudTrail > Event history: filter Event source = secretsmanager.amazonaws.com and "
        .. "User name = the actor; list the secrets read and whether calls were denied.",
      "2. IAM: identify the principal (user, role and who assumed it); check its source IP "
        .. "and user agent against what it normally uses. Infrastructure-as-code runs "
        .. "(Terraform refreshing the secrets it manages) trip this rule too: exempt such "
        .. "pipeline roles with an override exception.",
      "3. If it is not an expected job: disable the user's access keys (IAM > Users > "
        .. "Security credentials) or revoke the role's sessions (IAM > Roles > Revoke "
        .. "sessions).",
      "4. Secrets Manager: rotate every secret that was read successfully (Rotation tab > "
        .. "Rotate secret immediately), and change the credentials they hold at their source.",
      "5. Narrow secretsmanager:GetSecretValue in the principal's policies to the secrets "
        .. "it needs.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=GetSecretValue --start-time <start>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws iam put-role-policy --role-name <role> --policy-name RevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
      "aws secretsmanager rotate-secret --secret-id <secret-id>",
    },
  },
  tests = {
    { name = "10 different secrets in 9 minutes", fires = true, alerts = 1,
      events = reads(10, 1, {}),
      alert = { severity = "high", context = {
        last_call_denied = false, distinct = { count = 10, window_seconds = 600 } } } },
    { name = "15 different secrets: still one alert", fires = false, alerts = 1,
      events = reads(15, 0, {}) },
    { name = "one secret read 12 times", fires = false,
      events = reads(12, 0, { same = true }) },
    { name = "10 secrets over 45 minutes", fires = false,
      events = reads(10, 5, {}) },
    { name = "two principals with 5 each", fires = false,
      events = reads(10, 0, { two = true }) },
    { name = "denied attempts on 10 secrets are a sweep too", fires = true,
      events = reads(10, 0, { denied = true }),
      alert = { context = { last_call_denied = true,
                            distinct = { count = 10, window_seconds = 600 } } } },
    { name = "CloudFormation resolving references", fires = false,
      events = reads(10, 0, { service = true }) },
    { name = "the same secret by name and by ARN counts once", fires = false,
      events = reads(10, 0, { arn_twin = true }) },
  },
}
