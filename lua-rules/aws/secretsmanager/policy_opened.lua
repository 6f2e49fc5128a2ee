-- A secret's resource policy opened to everyone or to other accounts.
--
-- Same reader as the S3 and KMS policy rules (vigil.data.policy_access):
-- a wildcard principal that no positive condition scopes to known callers is
-- public (critical); AWS accounts that are not ours (nor in
-- vigil.data.trusted_accounts) are outside access (high). When the call also
-- set BlockPublicPolicy and still succeeded, Secrets Manager's own analysis
-- found the policy not public (it understands conditions vigil's reader does
-- not), so only the outside accounts count then. Failed calls (including
-- PublicPolicyException) stay quiet. AWS services are not skipped: a secret
-- opened by a stack is just as open.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function exposure(e)
  local a = aws.succeeded(e) and data.policy_access(e["requestParameters.resourcePolicy"])
  local public
  if not a then
    return nil
  end
  public = a.public and not data.is_true(e["requestParameters.blockPublicPolicy"])
  local foreign = data.foreign_accounts(e, a)
  if not public and #foreign == 0 then
    return nil
  end
  return { public = public, sids = public and a.sids or {}, accounts = foreign }
end

rule {
  id = "aws.secretsmanager.policy_opened",
  title = "Secret resource policy opened to everyone or to another account",
  severity = function(e)
    local x = exposure(e)
    return (x and x.public) and "critical" or "high"
  end,
  description = "PutResourcePolicy gave a secret a policy that allows any principal without "
    .. "a scoping condition, or that names AWS accounts outside your own.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1552", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html",
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
      .. "auth-and-access_examples_cross.html",
  },
  on = { eventSource = "secretsmanager.amazonaws.com", eventName = "PutResourcePolicy" },
  when = function(e)
    return exposure(e) ~= nil
  end,
  output = "{actor} set a resource policy on secret {requestParameters.secretId} that lets "
    .. "in outsiders",
  context = function(e)
    local x = exposure(e)
    return { public = x.public, statements = data.nonempty(x.sids),
             other_accounts = data.nonempty(x.accounts), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "PutResourcePolicy attaches a resource-based policy to a secret. The policy set "
      .. "here either allows any principal (\"*\") with no condition that narrows it to known "
      .. "callers, or grants AWS accounts that are not yours. They can call GetSecretValue "
      .. "as the statement allows (a cross-account reader also needs kms:Decrypt on the "
      .. "secret's key, which a customer managed key can grant).",
    risks = {
      "Credential access: database passwords, API keys and tokens in the secret can be read "
        .. "from outside your accounts.",
      "Persistence: an attacker's account in the policy keeps access after their credentials "
        .. "in yours are revoked.",
      "Compliance: PCI DSS 7.2 / 8.3 (restrict access to authentication data), SOC 2 CC6.1; "
        .. "AWS Security Hub SecretsManager controls flag public secrets.",
    },
    console = {
      "1. Secrets Manager > Secrets: open the secret from the alert, Overview tab, Resource "
        .. "permissions: Edit permissions.",
      "2. Find the statements named in the alert and the outside account ids; ask the actor "
        .. "and the secret's owner whether they are intended.",
      "3. If not: remove them (or Delete the whole policy) and Save.",
      "4. Rotate the secret (Rotation tab > Rotate secret immediately): treat the value as "
        .. "exposed.",
      "5. CloudTrail > Event history: look for GetSecretValue on the secret from other "
        .. "accounts since the change.",
    },
    cli = {
      "aws secretsmanager get-resource-policy --secret-id <secret-id>",
      "aws secretsmanager delete-resource-policy --secret-id <secret-id>",
      "aws secretsmanager put-resource-policy --secret-id <secret-id> "
        .. "--resource-policy file://<fixed-policy.json> --block-public-policy",
      "aws secretsmanager rotate-secret --secret-id <secret-id>",
    },
  },
  tests = {
    { name = "Principal * with no condition", fires = true,
      event = "samples/put_resource_policy_public.json",
      alert = { severity = "critical", context = { public = true, statements = { "#1" },
                                                   via_console = false } } },
    { name = "another account's role", fires = true,
      event = "samples/put_resource_policy_cross_account.json",
      alert = { severity = "high", context = { public = false,
                                               other_accounts = { "444455556666" },
                                               via_console = false } } },
    { name = "refused by BlockPublicPolicy", fires = false,
      event = "samples/put_resource_policy_public_blocked.json" },
    { name = "scoped to our organization", fires = false,
      event = "samples/put_resource_policy_org.json" },
    { name = "own role only", fires = false, event = "samples/put_resource_policy_own_role.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/put_resource_policy_public_cfn.json" },
  },
}
