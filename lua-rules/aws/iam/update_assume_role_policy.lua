-- A role's trust policy changed (same account and services only).
--
-- The low-severity rest of UpdateAssumeRolePolicy: trust opened to everyone
-- or to another account is left to role_trust_public (high) and
-- role_trust_external_account (medium), so one change gives one alert.
-- What remains still changes who can become the role, for example a user
-- adding itself to an admin role's trust. Changes through an AWS service
-- (CloudFormation) are routine: quiet. A failed call: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.update_assume_role_policy",
  title = "IAM role trust policy changed",
  severity = "low",
  description = "A principal replaced a role's trust policy, changing who may assume the "
    .. "role, within the account or among AWS services.",
  tags = { "attack.t1098.003", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html",
    "https://attack.mitre.org/techniques/T1098/003/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "UpdateAssumeRolePolicy" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and identity.trust_exposure(e["requestParameters.policyDocument"],
                                  identity.own_account(e)) == nil
  end,
  output = "{actor} changed the trust policy of role {requestParameters.roleName}",
  context = function(e)
    return { readable = identity.policy(e["requestParameters.policyDocument"]) ~= nil,
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "UpdateAssumeRolePolicy replaces the whole trust policy of a role: the list of "
      .. "principals (users, roles, AWS services, identity providers) allowed to assume "
      .. "it. This change stays within the account and AWS services, but it can still hand "
      .. "a powerful role to a principal that should not have it.",
    risks = {
      "Privilege escalation: a user or role added to the trust of a more powerful role can "
        .. "now act as it.",
      "Outage: services or pipelines removed from the trust can no longer assume the role.",
      "If readable is false the new document could not be parsed; read it before deciding "
        .. "it is harmless.",
      "Compliance: SOC 2 CC6.3 and NIST 800-53 AC-6; the CIS AWS Foundations Benchmark 4.4 "
        .. "alarm on IAM policy changes omits UpdateAssumeRolePolicy, so this rule is that gap's"
        .. " alarm.",
    },
    console = {
      "1. IAM > Roles: open the role, Trust relationships tab, and read the new policy.",
      "2. CloudTrail > Event history: filter on Event name = UpdateAssumeRolePolicy and "
        .. "Resource name = the role to see the previous document.",
      "3. Compare the role's permissions with those of every principal newly trusted.",
      "4. If the change was not planned: Edit trust policy, restore the previous document, "
        .. "Update policy.",
    },
    cli = {
      "aws iam get-role --role-name <role>",
      "aws iam list-attached-role-policies --role-name <role>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<role>",
      "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
    },
  },
  tests = {
    { name = "trust set to a service and a same-account role", fires = true,
      event = "samples/update_assume_role_policy.json",
      alert = { severity = "low", context = { readable = true, via_console = false,
                                              root = false } } },
    { name = "CloudFormation stack update", fires = false,
      event = "samples/update_assume_role_policy_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/update_assume_role_policy_denied.json" },
    { name = "public trust is role_trust_public's", fires = false,
      event = "samples/update_assume_role_policy_public.json" },
    { name = "external trust is role_trust_external_account's", fires = false,
      event = "samples/update_assume_role_policy_external.json" },
  },
}
