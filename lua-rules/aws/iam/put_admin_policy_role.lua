-- An inline policy granting full access put on an IAM role.
--
-- PutUserPolicy, PutRolePolicy and PutGroupPolicy get one rule each, like
-- the attach_admin_policy_* rules, so the output names the right target.
-- "Full access" is vigil.identity grants_full_access: an Allow of "*" (or
-- "iam:*", whose holder can grant itself the rest) on Resource "*"; a
-- Condition on that statement does not clear it, it shows in the context.
-- Fires through AWS services too (CloudFormation): an admin grant matters
-- whichever path made it. A failed call granted nothing: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.put_admin_policy_role",
  title = "Inline policy granting full access put on an IAM role",
  severity = "high",
  description = "A principal wrote an inline policy that allows every action (or all of "
    .. "IAM) on every resource into an IAM role.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "PutRolePolicy" },
  when = function(e)
    return aws.succeeded(e)
      and (identity.grants_full_access(e["requestParameters.policyDocument"]))
  end,
  output = "{actor} put inline policy {requestParameters.policyName} granting full access "
    .. "on role {requestParameters.roleName}",
  context = function(e)
    local _, conditional = identity.grants_full_access(e["requestParameters.policyDocument"])
    return { conditional = conditional, via_console = aws.is_console(e),
             root = aws.is_root(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "PutRolePolicy embedded a policy document in an IAM role that allows every "
      .. "action, or every IAM action, on every resource. Every session of the role, and "
      .. "every workload or person allowed to assume it, now has administrator rights.",
    risks = {
      "Privilege escalation: a role that can write its own inline policies (actor session "
        .. "of the same role) has made itself admin.",
      "Blast radius: instances, functions and pipelines using the role become a path to "
        .. "full control of the account.",
      "Least privilege: CIS AWS Foundations Benchmark v1.2.0 1.22 asks that no policy grant "
        .. "full \"*:*\" administrative privileges.",
    },
    console = {
      "1. IAM > Roles: open the role, Permissions tab, and read the inline policy named in "
        .. "the alert (context conditional = true: check its Condition).",
      "2. Trust relationships tab: note who can assume the role now holding admin rights.",
      "3. If the grant is not approved: select the inline policy and choose Remove; then, "
        .. "on the Revoke sessions tab, revoke active sessions.",
      "4. If CloudFormation made the change (context invoked_by), find the stack and the "
        .. "template change behind it before it re-applies the policy.",
      "5. CloudTrail > Event history: filter on User name = the role's session names to "
        .. "see what was done with the new rights.",
    },
    cli = {
      "aws iam get-role-policy --role-name <role> --policy-name <policy-name>",
      "aws iam delete-role-policy --role-name <role> --policy-name <policy-name>",
      "aws iam get-role --role-name <role>",
      "aws iam put-role-policy --role-name <role> --policy-name AWSRevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
      "aws cloudformation describe-stack-events --stack-name <stack>",
    },
  },
  tests = {
    { name = "iam:* on * through CloudFormation", fires = true,
      event = "samples/put_role_policy_admin_cfn.json",
      alert = { context = { conditional = false, via_console = false, root = false,
                            invoked_by = "cloudformation.amazonaws.com" } } },
    { name = "*:* limited by a source IP condition", fires = true,
      event = "samples/put_role_policy_conditional.json",
      alert = { context = { conditional = true, via_console = false, root = false } } },
    { name = "table-scoped DynamoDB policy", fires = false,
      event = "samples/put_role_policy_scoped.json" },
    { name = "denied call", fires = false, event = "samples/put_role_policy_admin_denied.json" },
    { name = "policy text that is not JSON", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "PutRolePolicy",
                eventTime = "2024-06-11T10:00:00Z",
                requestParameters = { roleName = "r", policyName = "p",
                                      policyDocument = "{\"Statement\": [{\"Effect\"" } } },
  },
}
