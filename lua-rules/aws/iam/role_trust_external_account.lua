-- A role's trust policy lets another AWS account assume it.
--
-- UpdateAssumeRolePolicy, or CreateRole, whose trust names an AWS principal
-- (an account id or an IAM ARN) in an account other than the one the record
-- belongs to. "*" is left to aws.iam.role_trust_public (high). Vendor
-- integrations are set up exactly like this, so it is medium and the runbook
-- starts with "is this a known vendor?". Following the pack's medium-rule
-- habit, roles made through an AWS service (CloudFormation) are quiet: a
-- stack that trusts a vendor is reviewed with its template. A failed call:
-- quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

local function exposure(e)
  local doc = e["requestParameters.policyDocument"]
    or e["requestParameters.assumeRolePolicyDocument"]
  return identity.trust_exposure(doc, identity.own_account(e))
end

rule {
  id = "aws.iam.role_trust_external_account",
  title = "IAM role trust policy grants another AWS account",
  severity = "medium",
  description = "A role was created or its trust policy changed so that principals of "
    .. "another AWS account may assume it.",
  tags = { "attack.t1098.003", "attack.persistence", "attack.t1199", "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
    "https://attack.mitre.org/techniques/T1098/003/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "UpdateAssumeRolePolicy", "CreateRole" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and exposure(e) == "external"
  end,
  output = "{actor} let another AWS account assume role {requestParameters.roleName} "
    .. "({eventName})",
  context = function(e)
    local _, who = exposure(e)
    return { principals = who, via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "The role's trust policy now names a principal in another AWS account (an "
      .. "account id, its root ARN, or a user or role there). Anyone that account allows "
      .. "to call sts:AssumeRole can use the role's permissions. Third-party tools "
      .. "(monitoring, security scanners) are set up this way, with an sts:ExternalId; an "
      .. "attacker's account is too.",
    risks = {
      "Persistence and unauthorized access: a backdoor reachable from an account you do "
        .. "not control, surviving the rotation of every credential in yours.",
      "Trusted relationship abuse: the other account's security now bounds yours.",
      "Third-party access control: vendor access should be approved and inventoried "
        .. "(ISO/IEC 27001 supplier relationship controls).",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.20 (IAM Access Analyzer reports "
        .. "such grants), SOC 2 CC6.3, NIST 800-53 AC-6 (least privilege).",
    },
    console = {
      "1. Look up the account ids in context principals: your organisation (Organizations "
        .. "> AWS accounts), a known vendor (their setup guide lists it), or unknown.",
      "2. IAM > Roles: open the role, Trust relationships tab; check there is an "
        .. "sts:ExternalId condition for vendors, and look at the role's Permissions tab.",
      "3. If the account is unknown: Edit trust policy, remove the statement, Update "
        .. "policy; then use the Revoke sessions tab.",
      "4. CloudTrail > Event history: filter on Event name = AssumeRole and Resource name = "
        .. "the role ARN to see whether the other account already used it.",
    },
    cli = {
      "aws iam get-role --role-name <role>",
      "aws organizations describe-account --account-id <account-id>",
      "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<role-arn>",
    },
  },
  tests = {
    { name = "admin role trust extended to an outside account root", fires = true,
      event = "samples/update_assume_role_policy_external.json",
      alert = { context = { principals = { "arn:aws:iam::444455556666:root" },
                            via_console = false, root = false } } },
    { name = "vendor role created with an ExternalId", fires = true,
      event = "samples/create_role_external.json" },
    { name = "Principal * is role_trust_public's", fires = false,
      event = "samples/update_assume_role_policy_public.json" },
    { name = "service and same-account principals", fires = false,
      event = "samples/update_assume_role_policy.json" },
    { name = "denied call", fires = false,
      event = "samples/update_assume_role_policy_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/update_assume_role_policy_external_cfn.json" },
  },
}
