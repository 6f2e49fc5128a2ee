-- An administrator policy attached to a role.
--
-- Role, user and group attaches are three rules so each alert names its
-- target and carries the matching runbook. "Administrator" means an AWS
-- managed policy in vigil.aws admin_policies, in any partition. Fires even
-- through an AWS service: a stack granting admin is still a grant worth a
-- look. A failed call granted nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.attach_admin_policy_role",
  title = "Administrator policy attached to an IAM role",
  severity = "high",
  description = "A principal attached AdministratorAccess (or another full-control AWS "
    .. "managed policy) to an IAM role.",
  tags = { "attack.t1098.003", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html",
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"
      .. "AdministratorAccess.html",
    "https://attack.mitre.org/techniques/T1098/003/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "AttachRolePolicy" },
  when = function(e)
    return aws.succeeded(e) and aws.is_admin_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} attached {requestParameters.policyArn} to role "
    .. "{requestParameters.roleName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "AttachRolePolicy linked an AWS managed policy that gives full control of the "
      .. "account (AdministratorAccess, or IAMFullAccess, whose holder can grant itself "
      .. "anything) to an IAM role. Every principal the role's trust policy lets assume it "
      .. "is now an administrator.",
    risks = {
      "Privilege escalation (additional cloud roles): whoever can assume the role, "
        .. "including other accounts, services or SSO users named in its trust policy, "
        .. "gains administrator rights.",
      "Persistence: an admin role trusted by an outside account is a durable backdoor.",
      "Least privilege: an attached AdministratorAccess fails CIS AWS Foundations "
        .. "Benchmark 1.16 (no policy granting full '*:*' privileges attached).",
    },
    console = {
      "1. IAM > Roles: open the role, Trust relationships tab, and note who can assume it.",
      "2. Permissions tab: confirm the policy is attached.",
      "3. If the change is not approved: select the policy, Remove, then on the Revoke "
        .. "sessions tab revoke active sessions.",
      "4. CloudTrail > Event history: filter on Event name = AssumeRole and look for "
        .. "sessions of this role since the attach.",
      "5. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls.",
    },
    cli = {
      "aws iam get-role --role-name <role>",
      "aws iam list-attached-role-policies --role-name <role>",
      "aws iam detach-role-policy --role-name <role> --policy-arn <policy-arn>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=AssumeRole",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "AdministratorAccess on a role", fires = true,
      event = "samples/attach_role_policy_admin.json" },
    { name = "AdministratorAccess in GovCloud", fires = true,
      event = "samples/attach_role_policy_admin_govcloud.json" },
    { name = "admin granted by a CloudFormation stack still fires", fires = true,
      event = "samples/attach_role_policy_admin_cfn.json" },
    { name = "ReadOnlyAccess is not admin", fires = false,
      event = "samples/attach_role_policy_readonly.json" },
    { name = "customer policy that only borrows the name", fires = false,
      event = "samples/attach_role_policy_customer_named_admin.json" },
    { name = "denied call", fires = false,
      event = "samples/attach_role_policy_admin_denied.json" },
  },
}
