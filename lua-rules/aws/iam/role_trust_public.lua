-- A role's trust policy lets anyone assume it.
--
-- UpdateAssumeRolePolicy, or CreateRole with such a document, where an
-- Allow names Principal "*", {"AWS": "*"} or uses NotPrincipal (see
-- vigil.identity trust_exposure). A Condition (an sts:ExternalId, an
-- organization id) may narrow it; the context shows whether there is one,
-- but any AWS account on earth can try, so it still fires. Fires through
-- AWS services too (CloudFormation): an open role is open whichever path
-- made it. A failed call changed nothing: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

local function trust_doc(e)
  return e["requestParameters.policyDocument"]
    or e["requestParameters.assumeRolePolicyDocument"]
end

rule {
  id = "aws.iam.role_trust_public",
  title = "IAM role trust policy opened to any AWS principal",
  severity = "high",
  description = "A role was created or its trust policy changed so that a principal in any "
    .. "AWS account (Principal \"*\") may assume it.",
  tags = { "attack.t1098.003", "attack.persistence", "attack.privilege_escalation",
           "attack.t1078.004" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    "https://attack.mitre.org/techniques/T1098/003/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "UpdateAssumeRolePolicy", "CreateRole" } },
  when = function(e)
    return aws.succeeded(e)
      and identity.trust_exposure(trust_doc(e), identity.own_account(e)) == "public"
  end,
  output = "{actor} let any AWS principal assume role {requestParameters.roleName} "
    .. "({eventName})",
  context = function(e)
    local p = identity.policy(trust_doc(e))
    local conditions = false
    for _, st in ipairs(identity.statements(p)) do
      conditions = conditions or (type(st) == "table" and st.Condition ~= nil)
    end
    return { has_condition = conditions, invoked_by = e["userIdentity.invokedBy"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A role's trust policy says who may call sts:AssumeRole on it. Principal \"*\" "
      .. "(or {\"AWS\": \"*\"}) means any IAM user or role in any AWS account, limited only "
      .. "by the statement's Condition if it has one. An ExternalId condition is a shared "
      .. "string, not an identity check: whoever learns it gets in.",
    risks = {
      "Unauthorized access and persistence: a backdoor that needs no credential from your "
        .. "account; the attacker assumes the role from their own.",
      "Every permission the role holds is exposed; check its attached and inline policies.",
      "Least privilege: an open trust policy is the kind of external access IAM Access "
        .. "Analyzer reports as a finding.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.20 (IAM Access Analyzer reports "
        .. "such grants), SOC 2 CC6.1, NIST 800-53 AC-3 and AC-6.",
    },
    console = {
      "1. IAM > Roles: open the role, Trust relationships tab, and read the statement with "
        .. "Principal \"*\" and its Condition.",
      "2. Edit trust policy: replace \"*\" with the exact account or role ARNs that need "
        .. "access (or remove the statement), then Update policy.",
      "3. Revoke sessions tab: revoke active sessions, since anyone may already have "
        .. "assumed the role.",
      "4. CloudTrail > Event history: filter on Event name = AssumeRole and Resource name = "
        .. "the role ARN, and look for callers from unknown accounts.",
    },
    cli = {
      "aws iam get-role --role-name <role>",
      "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
      "aws iam put-role-policy --role-name <role> --policy-name AWSRevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<role-arn>",
    },
  },
  tests = {
    { name = "AWS * with an ExternalId added to an admin role", fires = true,
      event = "samples/update_assume_role_policy_public.json",
      alert = { context = { has_condition = true, via_console = false } } },
    { name = "role created open by CloudFormation", fires = true,
      event = "samples/create_role_public_cfn.json",
      alert = { context = { has_condition = false, via_console = false,
                            invoked_by = "cloudformation.amazonaws.com" } } },
    { name = "another account is role_trust_external_account's", fires = false,
      event = "samples/update_assume_role_policy_external.json" },
    { name = "service and same-account principals", fires = false,
      event = "samples/update_assume_role_policy.json" },
    { name = "denied call", fires = false,
      event = "samples/update_assume_role_policy_denied.json" },
    { name = "no policy document", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "UpdateAssumeRolePolicy",
                eventTime = "2024-06-11T10:00:00Z", requestParameters = { roleName = "r" } } },
  },
}
