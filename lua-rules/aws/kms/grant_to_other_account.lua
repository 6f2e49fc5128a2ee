-- A KMS grant that lets a principal of another account use one of our keys.
--
-- Grants are the quiet way to share a key: they do not show in the key
-- policy and are what AWS services create on your behalf (EBS, RDS, Secrets
-- Manager call CreateGrant for the key's own account every day, with
-- invokedBy set). A grant whose grantee belongs to an account other than the
-- key's (nor in vigil.data.trusted_accounts) is what matters: that account
-- can decrypt with the key until the grant is retired. Failed calls stay
-- quiet. Grantees named by service principal (no account) are not outside
-- accounts.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function grantee_account(e)
  local p = e["requestParameters.granteePrincipal"]
  if type(p) ~= "string" then
    return nil
  end
  return p:match("^arn:[%w%-]+:iam::(%d+):") or p:match("^arn:[%w%-]+:sts::(%d+):")
    or p:match("^(%d%d%d%d%d%d%d%d%d%d%d%d)$")
end

-- The key's own account: from a key ARN, else the account the record was
-- delivered for. Not the caller's: an outside principal allowed by the key
-- policy may create a grant for itself on our key.
local function key_account(e)
  local id = e["requestParameters.keyId"]
  return (type(id) == "string" and id:match("^arn:[%w%-]+:kms:[^:]*:(%d+):"))
    or e.recipientAccountId
end

local function outside(e)
  local acct = aws.succeeded(e) and grantee_account(e)
  if acct and acct ~= key_account(e) and not data.trusted_accounts[acct] then
    return acct
  end
  return nil
end

rule {
  id = "aws.kms.grant_to_other_account",
  title = "KMS grant given to a principal of another account",
  severity = "high",
  description = "CreateGrant gave a principal in an AWS account that is not yours permission "
    .. "to use a KMS key.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html",
    "https://docs.aws.amazon.com/kms/latest/developerguide/grants.html",
  },
  on = { eventSource = "kms.amazonaws.com", eventName = "CreateGrant" },
  when = function(e)
    return outside(e) ~= nil
  end,
  output = "{actor} granted {requestParameters.granteePrincipal} use of KMS key "
    .. "{requestParameters.keyId}",
  context = function(e)
    return { grantee_account = outside(e), operations = e["requestParameters.operations"],
             grant_id = e["responseElements.grantId"], invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "CreateGrant adds a grant to a KMS key: a standing permission for the grantee "
      .. "principal to run the listed operations (Decrypt, GenerateDataKey, CreateGrant...) "
      .. "with the key. Grants do not appear in the key policy. Here the grantee belongs to "
      .. "an AWS account that is not yours.",
    risks = {
      "Unauthorized access and exfiltration: the other account can decrypt data encrypted "
        .. "under the key, including snapshots or objects it copies out.",
      "Persistence: the grant lasts until it is retired or revoked, whatever credentials you "
        .. "rotate.",
      "Compliance: PCI DSS 3.5 (restrict access to keys), SOC 2 CC6.1; CIS AWS Foundations "
        .. "Benchmark 4.7 asks for KMS changes to be monitored.",
    },
    console = {
      "1. KMS > Customer managed keys: open the key from the alert (the console does not list "
        .. "grants: use the CLI steps to see them).",
      "2. Ask the actor whether sharing the key with that account is intended.",
      "3. If not, revoke the grant (CLI below) and review the key policy for other outside "
        .. "access.",
      "4. CloudTrail > Event history: look for Decrypt calls on the key by the grantee "
        .. "account.",
    },
    cli = {
      "aws kms list-grants --key-id <key-id>",
      "aws kms revoke-grant --key-id <key-id> --grant-id <grant-id>",
      "aws kms get-key-policy --key-id <key-id> --policy-name default --output text",
    },
  },
  tests = {
    { name = "grant to another account's role", fires = true,
      event = { eventSource = "kms.amazonaws.com", eventName = "CreateGrant",
                eventTime = "2024-03-14T11:30:00Z", recipientAccountId = "111122223333",
                userIdentity = { type = "IAMUser", accountId = "111122223333",
                                 arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { keyId = "k-1", operations = { "Decrypt" },
                  granteePrincipal = "arn:aws:iam::444455556666:role/exfil" },
                responseElements = { grantId = "g-1" } },
      alert = { context = { grantee_account = "444455556666", operations = { "Decrypt" },
                            grant_id = "g-1" } } },
    { name = "an outside principal granting itself use of our key", fires = true,
      event = { eventSource = "kms.amazonaws.com", eventName = "CreateGrant",
                eventTime = "2024-03-14T11:30:00Z", recipientAccountId = "111122223333",
                userIdentity = { type = "AssumedRole", accountId = "444455556666",
                                 arn = "arn:aws:sts::444455556666:assumed-role/exfil/x" },
                requestParameters = {
                  keyId = "arn:aws:kms:us-east-1:111122223333:key/6f1e0d2c",
                  operations = { "Decrypt" },
                  granteePrincipal = "arn:aws:iam::444455556666:role/exfil" } } },
    { name = "EBS grant to our own role", fires = false,
      event = { eventSource = "kms.amazonaws.com", eventName = "CreateGrant",
                eventTime = "2024-03-14T11:30:00Z", recipientAccountId = "111122223333",
                userIdentity = { type = "AWSService", invokedBy = "ec2.amazonaws.com" },
                requestParameters = { keyId = "k-1", operations = { "Decrypt" },
                  granteePrincipal = "arn:aws:iam::111122223333:role/app" } } },
    { name = "denied", fires = false,
      event = { eventSource = "kms.amazonaws.com", eventName = "CreateGrant",
                eventTime = "2024-03-14T11:30:00Z", recipientAccountId = "111122223333",
                errorCode = "AccessDeniedException",
                userIdentity = { type = "IAMUser", accountId = "111122223333",
                                 arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { keyId = "k-1", operations = { "Decrypt" },
                  granteePrincipal = "arn:aws:iam::444455556666:role/exfil" } } },
    { name = "service principal grantee", fires = false,
      event = { eventSource = "kms.amazonaws.com", eventName = "CreateGrant",
                eventTime = "2024-03-14T11:30:00Z", recipientAccountId = "111122223333",
                userIdentity = { type = "IAMUser", accountId = "111122223333",
                                 arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { keyId = "k-1", operations = { "Decrypt" },
                  granteePrincipal = "logs.us-east-1.amazonaws.com" } } },
  },
}
