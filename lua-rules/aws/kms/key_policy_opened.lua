-- A KMS key policy that lets in everyone, or accounts that are not ours.
--
-- The key policy is the root of a KMS key's access control: a statement with
-- a wildcard principal and no condition scoping the caller (source VPC,
-- organization, account, kms:CallerAccount...) lets any AWS account use the
-- key; a named outside account can decrypt everything under it. Read with
-- vigil.data.policy_access, the reader the S3 and Secrets Manager rules use,
-- on PutKeyPolicy and on CreateKey (a key can be born open). Accounts in
-- vigil.data.trusted_accounts count as ours. Failed calls stay quiet. AWS
-- services are not skipped: a key opened by a stack is just as open.
-- Public is critical, outside accounts only are high.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function exposure(e)
  return data.policy_exposure(e, e["requestParameters.policy"])
end

rule {
  id = "aws.kms.key_policy_opened",
  title = "KMS key policy opened to everyone or to another account",
  severity = function(e)
    local x = exposure(e)
    return (x and x.public) and "critical" or "high"
  end,
  description = "A key policy set by PutKeyPolicy or CreateKey allows a wildcard principal "
    .. "with no scoping condition, or names AWS accounts outside your own.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html",
    "https://docs.aws.amazon.com/kms/latest/developerguide/"
      .. "key-policy-modifying-external-accounts.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "kms.amazonaws.com", eventName = { "PutKeyPolicy", "CreateKey" } },
  when = function(e)
    return exposure(e) ~= nil
  end,
  output = "{actor} set a key policy on {requestParameters.keyId} that lets in outsiders",
  context = function(e)
    local x = exposure(e)
    return { public = x.public, statements = data.nonempty(x.sids),
             other_accounts = data.nonempty(x.accounts), via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "PutKeyPolicy replaces the whole key policy of a KMS key (CreateKey sets the first "
      .. "one). The new policy either allows any principal (\"*\") in a statement no condition "
      .. "narrows to known callers, or grants AWS accounts that are not yours. Those "
      .. "principals can use the key as the statement allows, typically kms:Decrypt, which "
      .. "opens every S3 object, EBS snapshot, secret or database encrypted under it to them.",
    risks = {
      "Unauthorized access and exfiltration: an outside account can decrypt data (or "
        .. "snapshots shared with it) protected by the key.",
      "Persistence: an attacker's own account in a key policy survives the rotation of every "
        .. "credential in yours.",
      "Compliance: CIS AWS Foundations Benchmark 4.7 (KMS changes monitored), PCI DSS 3.5/3.6 "
        .. "(restrict access to cryptographic keys to the fewest custodians), SOC 2 CC6.1.",
    },
    console = {
      "1. KMS > Customer managed keys: open the key from the alert, Key policy tab, Switch to "
        .. "policy view.",
      "2. Find the statements named in the alert (Sid or #position) and the outside account "
        .. "ids; ask the actor and the key owner whether the access is intended.",
      "3. If not: Edit, remove the statement (or add a condition such as aws:PrincipalOrgID), "
        .. "Save changes.",
      "4. Grants tab: revoke grants the outside principals may have created meanwhile.",
      "5. CloudTrail > Event history: look for Decrypt, ReEncrypt and CreateGrant calls on the "
        .. "key from other accounts since the change.",
    },
    cli = {
      "aws kms get-key-policy --key-id <key-id> --policy-name default --output text",
      "aws kms put-key-policy --key-id <key-id> --policy-name default "
        .. "--policy file://<fixed-policy.json>",
      "aws kms list-grants --key-id <key-id>",
      "aws kms revoke-grant --key-id <key-id> --grant-id <grant-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<key-id>",
    },
  },
  tests = {
    { name = "Principal * with no condition", fires = true,
      event = "samples/put_key_policy_public.json",
      alert = { severity = "critical", context = { public = true, statements = { "Anyone" },
                                                   via_console = false } } },
    { name = "another account's root", fires = true,
      event = "samples/put_key_policy_cross_account.json",
      alert = { severity = "high", context = { public = false,
                                               other_accounts = { "444455556666" },
                                               via_console = false } } },
    { name = "key created with an outside user in its policy", fires = true,
      event = "samples/create_key_cross_account.json", alert = { severity = "high" } },
    { name = "a stack opening a key still fires", fires = true,
      event = "samples/put_key_policy_cross_account_cfn.json" },
    { name = "denied", fires = false, event = "samples/put_key_policy_public_denied.json" },
    { name = "own account and own role only", fires = false,
      event = "samples/put_key_policy_default.json" },
    { name = "AWS * scoped by kms:ViaService and kms:CallerAccount", fires = false,
      event = "samples/put_key_policy_via_service.json" },
    { name = "CreateKey with the default policy", fires = false,
      event = "samples/create_key_default.json" },
  },
}
