-- An inline policy granting full access put on an IAM group.
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
  id = "aws.iam.put_admin_policy_group",
  title = "Inline policy granting full access put on an IAM group",
  severity = "high",
  description = "A principal wrote an inline policy that allows every action (or all of "
    .. "IAM) on every resource into an IAM group.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "PutGroupPolicy" },
  when = function(e)
    return aws.succeeded(e)
      and (identity.grants_full_access(e["requestParameters.policyDocument"]))
  end,
  output = "{actor} put inline policy {requestParameters.policyName} granting full access "
    .. "on group {requestParameters.groupName}",
  context = function(e)
    local _, conditional = identity.grants_full_access(e["requestParameters.policyDocument"])
    return { conditional = conditional, via_console = aws.is_console(e),
             root = aws.is_root(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "PutGroupPolicy embedded a policy document in an IAM group that allows every "
      .. "action, or every IAM action, on every resource. Every current and future member "
      .. "of the group is an administrator.",
    risks = {
      "Privilege escalation for every member; adding a user to the group later is all it "
        .. "takes to make more administrators.",
      "Least privilege: CIS AWS Foundations Benchmark v1.2.0 1.22 asks that no policy grant "
        .. "full \"*:*\" administrative privileges.",
    },
    console = {
      "1. IAM > User groups: open the group, Permissions tab, and read the inline policy "
        .. "named in the alert.",
      "2. Users tab: list the members who became administrators.",
      "3. If the grant is not approved: select the inline policy and choose Remove.",
      "4. CloudTrail > Event history: filter on Event name = AddUserToGroup and Resource "
        .. "name = the group to see who joined since.",
    },
    cli = {
      "aws iam get-group-policy --group-name <group> --policy-name <policy-name>",
      "aws iam delete-group-policy --group-name <group> --policy-name <policy-name>",
      "aws iam get-group --group-name <group>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=AddUserToGroup",
    },
  },
  tests = {
    { name = "*:* written into a group", fires = true,
      event = "samples/put_group_policy_admin.json" },
    { name = "describe-only policy", fires = false,
      event = "samples/put_group_policy_readonly.json" },
    { name = "denied call", fires = false,
      event = "samples/put_group_policy_admin_denied.json" },
  },
}
