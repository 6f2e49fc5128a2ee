-- BatchGetSecretValue asking for every secret at once.
--
-- BatchGetSecretValue takes either a list of secret ids or filters. Filters
-- whose every value is a negation ("!tag-that-does-not-exist") match every
-- secret the caller may read: one call that dumps the vault, the way
-- Stratus Red Team's secretsmanager-batch-retrieve-secrets does it. A filter
-- with a positive value (tag-key = app) narrows the call and stays quiet, as
-- does an explicit id list. A denied catch-all is still fired on (medium):
-- nobody writes such a filter by accident, and the denial may be the only
-- trace of a stolen key trying it; a successful one is high.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.secretsmanager.batch_retrieve_all",
  title = "BatchGetSecretValue with a catch-all filter",
  severity = function(e)
    return aws.succeeded(e) and "high" or "medium"
  end,
  description = "A principal called BatchGetSecretValue with filters that only exclude, "
    .. "which returns every secret it is allowed to read.",
  tags = { "attack.t1555", "attack.t1555.006", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html",
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Filter.html",
    "https://stratus-red-team.cloud/attack-techniques/AWS/"
      .. "aws.credential-access.secretsmanager-batch-retrieve-secrets/",
  },
  on = { eventSource = "secretsmanager.amazonaws.com", eventName = "BatchGetSecretValue" },
  when = function(e)
    return not aws.is_aws_service(e) and data.selects_all_secrets(e)
  end,
  output = "{actor} asked BatchGetSecretValue for every secret (filters that only exclude)",
  context = function(e)
    return { denied = aws.failed(e), filters = e["requestParameters.filters"] }
  end,
  runbook = {
    about = "BatchGetSecretValue returns the values of up to 20 secrets per page. Called with "
      .. "filters that only exclude (values starting with \"!\", such as a tag key that does "
      .. "not exist), it matches every secret, so paging through it reads the whole vault the "
      .. "caller has access to. Applications name the secrets they need instead.",
    risks = {
      "Credential access: every secret the principal may read is disclosed in a few calls.",
      "Lateral movement with the harvested database passwords, API keys and tokens.",
      "Compliance: PCI DSS 7.2 and 10.2.1, SOC 2 CC6.1 / CC7.2: bulk access to stored "
        .. "credentials must be investigated.",
    },
    console = {
      "1. CloudTrail > Event history: filter Event name = BatchGetSecretValue and the actor; "
        .. "note every page (nextToken) the caller fetched and whether it was denied.",
      "2. Identify the principal and confirm with its owner whether this was a planned "
        .. "migration or backup job.",
      "3. If not: deactivate its access keys or revoke the role's sessions (IAM > Roles > "
        .. "Revoke sessions).",
      "4. Rotate every secret the principal can read (Secrets Manager > secret > Rotation > "
        .. "Rotate secret immediately) and the credentials at their source.",
      "5. Remove secretsmanager:BatchGetSecretValue and broad GetSecretValue from its policies.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=BatchGetSecretValue",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws secretsmanager list-secrets --query 'SecretList[].Name'",
      "aws secretsmanager rotate-secret --secret-id <secret-id>",
    },
  },
  tests = {
    { name = "negated tag key matches everything", fires = true,
      event = "samples/batch_get_secret_value_all.json", alert = { severity = "high" } },
    { name = "negated name and description", fires = true,
      event = "samples/batch_get_secret_value_all_names.json" },
    { name = "denied catch-all is still reported, lower", fires = true,
      event = "samples/batch_get_secret_value_all_denied.json",
      alert = { severity = "medium" } },
    { name = "positive tag filter narrows the call", fires = false,
      event = "samples/batch_get_secret_value_tagged.json" },
    { name = "explicit id list", fires = false,
      event = "samples/batch_get_secret_value_ids.json" },
    { name = "catch-all plus a positive filter", fires = false,
      event = { eventSource = "secretsmanager.amazonaws.com", eventName = "BatchGetSecretValue",
                eventTime = "2024-03-14T11:08:00Z",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/a" },
                requestParameters = { filters = {
                  { key = "tag-key", values = { "!nothing" } },
                  { key = "tag-key", values = { "app" } } } } } },
    { name = "made by an AWS service", fires = false,
      event = { eventSource = "secretsmanager.amazonaws.com", eventName = "BatchGetSecretValue",
                eventTime = "2024-03-14T11:08:00Z",
                userIdentity = { type = "AWSService", invokedBy = "backup.amazonaws.com" },
                requestParameters = { filters = {
                  { key = "tag-key", values = { "!nothing" } } } } } },
  },
}
