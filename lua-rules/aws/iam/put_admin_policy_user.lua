-- An inline policy granting full access put on an IAM user.
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
  id = "aws.iam.put_admin_policy_user",
  title = "Inline policy granting full access put on an IAM user",
  severity = "high",
  description = "A principal wrote an inline policy that allows every action (or all of "
    .. "IAM) on every resource into an IAM user.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "PutUserPolicy" },
  when = function(e)
    return aws.succeeded(e)
      and (identity.grants_full_access(e["requestParameters.policyDocument"]))
  end,
  output = "{actor} put inline policy {requestParameters.policyName} granting full access "
    .. "on user {requestParameters.userName}",
  context = function(e)
    local _, conditional = identity.grants_full_access(e["requestParameters.policyDocument"])
    return { conditional = conditional, via_console = aws.is_console(e),
             root = aws.is_root(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "PutUserPolicy embedded a policy document in an IAM user that allows every "
      .. "action, or every IAM action, on every resource: administrator rights for the "
      .. "user's password and access keys. Inline grants do not show in the Policies list "
      .. "and are easy to overlook in reviews, which is why attackers prefer them to "
      .. "attaching AdministratorAccess.",
    risks = {
      "Privilege escalation and persistence: a user that writes an admin policy into itself "
        .. "(actor = target) has escalated; a freshly created user made admin is a backdoor.",
      "Long-term access keys with admin rights are the most valuable credential to steal.",
      "Least privilege: CIS AWS Foundations Benchmark v1.2.0 1.22 asks that no policy grant "
        .. "full \"*:*\" administrative privileges.",
    },
    console = {
      "1. IAM > Users: open the user, Permissions tab, and open the inline policy named in "
        .. "the alert to confirm its statements (context conditional = true means the grant "
        .. "holds only under a Condition: read it).",
      "2. Ask the actor and the owner of the user whether the grant is approved.",
      "3. If not: select the inline policy and choose Remove.",
      "4. Security credentials tab: review the user's access keys and console password; "
        .. "deactivate keys the owner does not recognise.",
      "5. CloudTrail > Event history: filter on User name = the user to see what it did "
        .. "with the new rights.",
    },
    cli = {
      "aws iam get-user-policy --user-name <user> --policy-name <policy-name>",
      "aws iam delete-user-policy --user-name <user> --policy-name <policy-name>",
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "user writes Allow *:* into itself", fires = true,
      event = "samples/put_user_policy_admin.json",
      alert = { severity = "high", context = { conditional = false, via_console = false,
                                               root = false } } },
    { name = "scoped S3 read policy", fires = false, event = "samples/put_user_policy_s3.json" },
    { name = "NotAction is not judged as admin", fires = false,
      event = "samples/put_user_policy_notaction.json" },
    { name = "AWS exposed-key deny policy", fires = false,
      event = "samples/put_user_policy_exposed_key.json" },
    { name = "denied call", fires = false, event = "samples/put_user_policy_admin_denied.json" },
  },
}
