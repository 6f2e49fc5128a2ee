-- A managed policy's new default version grants full access.
--
-- The high-severity half of set_default_policy_version: CreatePolicyVersion
-- with setAsDefault whose document is a full-access grant (vigil.identity
-- grants_full_access). Fires through AWS services too: an admin grant
-- matters whichever path made it. A failed call granted nothing: quiet. A
-- full-access version that is not made default is dormant: quiet until
-- SetDefaultPolicyVersion (aws.iam.set_default_policy_version) activates
-- it; flagging the pair as one story needs the stateful engine.
local aws = require "vigil.aws"
local data = require "vigil.data"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.admin_policy_version",
  title = "IAM managed policy rewritten to grant full access",
  severity = "high",
  description = "A principal made a policy version that allows every action (or all of "
    .. "IAM) on every resource the default of a customer managed policy.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "CreatePolicyVersion" },
  when = function(e)
    return aws.succeeded(e) and data.is_true(e["requestParameters.setAsDefault"])
      and (identity.grants_full_access(e["requestParameters.policyDocument"]))
  end,
  output = "{actor} made a full-access version the default of {requestParameters.policyArn}",
  context = function(e)
    local _, conditional = identity.grants_full_access(e["requestParameters.policyDocument"])
    return { conditional = conditional, version_id = e["responseElements.policyVersion.versionId"],
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "CreatePolicyVersion with setAsDefault replaced the document in force for a "
      .. "customer managed policy with one that allows every action, or every IAM action, "
      .. "on every resource. Every user, group and role the policy is attached to is now an "
      .. "administrator, without any attach call that reviews would look for.",
    risks = {
      "Privilege escalation: the textbook path for a principal that may edit a policy "
        .. "attached to itself.",
      "Persistence: the old version is kept, so the policy looks unchanged by name while "
        .. "granting everything.",
      "Least privilege: CIS AWS Foundations Benchmark v1.2.0 1.22 asks that no policy grant "
        .. "full \"*:*\" administrative privileges.",
    },
    console = {
      "1. IAM > Policies: open the policy, Policy versions tab; confirm the default version "
        .. "is the full-access one.",
      "2. Select the previous version and choose Set as default, then delete the "
        .. "full-access version.",
      "3. Entities attached tab: list who held admin rights in the meantime, and review "
        .. "their calls in CloudTrail > Event history.",
      "4. Review the actor: if they should not edit IAM policies, deactivate their keys or "
        .. "revoke their role sessions.",
    },
    cli = {
      "aws iam list-policy-versions --policy-arn <policy-arn>",
      "aws iam set-default-policy-version --policy-arn <policy-arn> "
        .. "--version-id <previous-version-id>",
      "aws iam delete-policy-version --policy-arn <policy-arn> --version-id <version-id>",
      "aws iam list-entities-for-policy --policy-arn <policy-arn>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
    },
  },
  tests = {
    { name = "Allow * made default", fires = true,
      event = "samples/create_policy_version_admin.json",
      alert = { severity = "high",
                context = { conditional = false, version_id = "v2", via_console = false } } },
    { name = "full-access version kept dormant (not default)", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "CreatePolicyVersion",
                eventTime = "2024-06-11T10:00:00Z",
                requestParameters = { policyArn = "arn:aws:iam::111122223333:policy/p",
                                      setAsDefault = false,
                                      policyDocument = "{\"Statement\":[{\"Effect\":"
                                        .. "\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}" } } },
    { name = "scoped default version", fires = false,
      event = "samples/create_policy_version_default.json" },
    { name = "denied call", fires = false,
      event = "samples/create_policy_version_admin_denied.json" },
  },
}
