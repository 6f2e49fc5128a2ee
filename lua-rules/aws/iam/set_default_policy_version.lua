-- A managed policy's default version changed.
--
-- CreatePolicyVersion with setAsDefault, or SetDefaultPolicyVersion: what
-- the policy allows changes for everything it is attached to. This is the
-- classic self-escalation when a principal may edit a policy attached to
-- itself (or roll back to an old, broader version). A new default that
-- grants full access is left to aws.iam.admin_policy_version (high), so one
-- change gives one alert. A version created without setAsDefault changes
-- nothing yet: quiet (the later SetDefaultPolicyVersion fires). Failed
-- calls: quiet. Changes through an AWS service (CloudFormation updating a
-- managed policy it owns) are routine: quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"
local identity = require "vigil.identity"

local function new_default(e)
  if e.eventName == "SetDefaultPolicyVersion" then
    return true
  end
  return data.is_true(e["requestParameters.setAsDefault"])
end

rule {
  id = "aws.iam.set_default_policy_version",
  title = "Default version of an IAM managed policy changed",
  severity = "medium",
  description = "A principal made a new or older version the default of a customer managed "
    .. "policy, changing the permissions of every user, group and role it is attached to.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetDefaultPolicyVersion.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "CreatePolicyVersion", "SetDefaultPolicyVersion" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and new_default(e)
      and not identity.grants_full_access(e["requestParameters.policyDocument"])
  end,
  output = "{actor} changed the default version of {requestParameters.policyArn} "
    .. "({eventName})",
  context = function(e)
    return { version_id = e["requestParameters.versionId"]
               or e["responseElements.policyVersion.versionId"],
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "A customer managed policy keeps up to five versions; only the default one is "
      .. "in force. CreatePolicyVersion with setAsDefault writes a new document and puts it "
      .. "in force at once; SetDefaultPolicyVersion puts an existing version (possibly an "
      .. "old, broader one) back in force. Either way every principal the policy is "
      .. "attached to gets new permissions.",
    risks = {
      "Privilege escalation: a principal allowed iam:CreatePolicyVersion or "
        .. "iam:SetDefaultPolicyVersion on a policy attached to itself can give itself "
        .. "anything; check whether the actor is among the policy's attachments.",
      "A rollback to an old version can revive permissions removed on purpose.",
      "Change control: CIS AWS Foundations Benchmark v1.2.0 3.4 asks for an alarm on IAM "
        .. "policy changes.",
    },
    console = {
      "1. IAM > Policies: open the policy, Policy versions tab, and compare the new default "
        .. "with the previous one.",
      "2. Entities attached tab: list who received the change; note whether the actor is "
        .. "one of them.",
      "3. If the change was not approved: select the previous version and choose Set as "
        .. "default, then delete the unwanted version.",
      "4. CloudTrail > Event history: filter on User name = the actor and review what they "
        .. "did next.",
    },
    cli = {
      "aws iam list-policy-versions --policy-arn <policy-arn>",
      "aws iam get-policy-version --policy-arn <policy-arn> --version-id <version-id>",
      "aws iam list-entities-for-policy --policy-arn <policy-arn>",
      "aws iam set-default-policy-version --policy-arn <policy-arn> "
        .. "--version-id <previous-version-id>",
      "aws iam delete-policy-version --policy-arn <policy-arn> --version-id <version-id>",
    },
  },
  tests = {
    { name = "new default version from CI", fires = true,
      event = "samples/create_policy_version_default.json",
      alert = { context = { version_id = "v3", via_console = false, root = false } } },
    { name = "rollback to v1 with SetDefaultPolicyVersion", fires = true,
      event = "samples/set_default_policy_version.json" },
    { name = "version created but not made default", fires = false,
      event = "samples/create_policy_version_not_default.json" },
    { name = "full-access default is admin_policy_version's", fires = false,
      event = "samples/create_policy_version_admin.json" },
    { name = "CloudFormation updating its own policy", fires = false,
      event = "samples/create_policy_version_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/set_default_policy_version_denied.json" },
  },
}
