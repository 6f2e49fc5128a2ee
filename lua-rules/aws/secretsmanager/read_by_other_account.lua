-- A secret read by a principal of another AWS account.
--
-- A secret can only be read across accounts when its resource policy (and
-- its KMS key) let the other account in; when that happens, the secret
-- owner's trail records the call with the caller's own accountId. Designed
-- shares exist (a shared services account reading a database password):
-- list those accounts in vigil.data.trusted_accounts and they stay quiet.
-- Anything else is either a share nobody reviewed or someone using one an
-- attacker opened (aws.secretsmanager.policy_opened). Failed reads changed
-- nothing and stay quiet; AWS services reading on your behalf are skipped.
-- One alert per caller per hour.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function caller_account(e)
  local acct = e["userIdentity.accountId"]
  local owner = e.recipientAccountId
  if type(acct) ~= "string" or type(owner) ~= "string" or acct == owner
      or data.trusted_accounts[acct] then
    return nil
  end
  return acct
end

local function read(acct, opts)
  return { eventSource = "secretsmanager.amazonaws.com",
           eventName = opts.name or "GetSecretValue",
           eventTime = "2024-03-14T11:50:" .. (opts.sec or "00") .. "Z",
           recipientAccountId = "111122223333", errorCode = opts.err,
           userIdentity = { type = opts.service and "AWSService" or "AssumedRole",
                            accountId = acct,
                            invokedBy = opts.service and "lambda.amazonaws.com" or nil,
                            arn = "arn:aws:sts::" .. acct .. ":assumed-role/data-sync/s1" },
           requestParameters = { secretId = "arn:aws:secretsmanager:us-east-1:111122223333:"
                                   .. "secret:prod/orders/db-credentials-Q7x2Lp" } }
end

rule {
  id = "aws.secretsmanager.read_by_other_account",
  title = "Secret read by another AWS account",
  severity = "medium",
  description = "A principal of an AWS account other than the secret's (and not in "
    .. "vigil.data.trusted_accounts) retrieved a secret value.",
  tags = { "attack.t1555", "attack.t1555.006", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
      .. "auth-and-access_examples_cross.html",
    "https://attack.mitre.org/techniques/T1555/006/",
  },
  on = { eventSource = "secretsmanager.amazonaws.com",
         eventName = { "GetSecretValue", "BatchGetSecretValue" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and caller_account(e) ~= nil
  end,
  dedup = { window = "1h" },
  output = "{actor} from account {userIdentity.accountId} read secret "
    .. "{requestParameters.secretId}",
  context = function(e)
    return { caller_account = caller_account(e) }
  end,
  runbook = {
    about = "GetSecretValue (or BatchGetSecretValue) was called by a principal whose "
      .. "account is not the one holding the secret. This only works when the secret's "
      .. "resource policy and its KMS key policy grant that account, so the read used a "
      .. "cross-account share: intended, or opened by someone else.",
    risks = {
      "Credential access from outside your account boundary: the value now lives in an "
        .. "account you may not control.",
      "Persistence: a share an attacker added keeps working after their access to your "
        .. "account is removed.",
      "Compliance: PCI DSS 7.2 / 8.3 and SOC 2 CC6.1 require access to stored credentials "
        .. "to be limited to approved parties.",
    },
    console = {
      "1. Secrets Manager > Secrets: open the secret, Resource permissions: find the "
        .. "statement that names the caller's account.",
      "2. Check whether that account belongs to your organization (AWS Organizations > "
        .. "AWS accounts) and whether the share is documented.",
      "3. If it is intended: add the account to vigil.data.trusted_accounts in your local "
        .. "rules.",
      "4. If not: remove the statement (Edit permissions), rotate the secret (Rotation > "
        .. "Rotate secret immediately), and remove the account from the KMS key policy.",
    },
    cli = {
      "aws secretsmanager get-resource-policy --secret-id <secret-id>",
      "aws organizations describe-account --account-id <caller-account>",
      "aws secretsmanager delete-resource-policy --secret-id <secret-id>",
      "aws secretsmanager rotate-secret --secret-id <secret-id>",
    },
  },
  tests = {
    { name = "another account reads", fires = true, event = read("444455556666", {}),
      alert = { severity = "medium", context = { caller_account = "444455556666" } } },
    { name = "batch read from another account", fires = true,
      event = read("444455556666", { name = "BatchGetSecretValue" }) },
    { name = "own account", fires = false, event = read("111122223333", {}) },
    { name = "denied", fires = false, event = read("444455556666", { err = "AccessDenied" }) },
    { name = "AWS service", fires = false, event = read("444455556666", { service = true }) },
    { name = "repeated reads: one alert", fires = false, alerts = 1,
      events = { read("444455556666", {}), read("444455556666", { sec = "10" }),
                 read("444455556666", { sec = "20" }) } },
  },
}
