-- An inline policy deleted from an IAM user.
--
-- One rule for every inline delete, as with delete_role_policy; the context
-- says whether the name marks a guardrail, or the policy AWS puts on a user
-- whose key it found exposed (AWSExposedCredentialPolicy_DO_NOT_REMOVE), so
-- triage can tell the dangerous ones apart. A failed call changed nothing:
-- quiet. Deletes made through an AWS service (CloudFormation) are routine:
-- quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.delete_user_policy",
  title = "Inline policy deleted from an IAM user",
  severity = "medium",
  description = "A principal deleted an inline policy from an IAM user; its document no "
    .. "longer exists anywhere in IAM.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation",
           "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeleteUserPolicy" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted inline policy {requestParameters.policyName} from user "
    .. "{requestParameters.userName}",
  context = function(e)
    local name = e["requestParameters.policyName"]
    return { guardrail = aws.is_guardrail_policy(name),
             exposed_key_policy = identity.is_exposed_key_policy(name),
             other_user = aws.is_other_user(e), via_console = aws.is_console(e),
             root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeleteUserPolicy removes an inline policy, a policy document embedded in one "
      .. "IAM user. Unlike a detached managed policy, the document is gone: only this "
      .. "CloudTrail history (the earlier PutUserPolicy) still shows what it said.",
    risks = {
      "Privilege escalation: an inline Deny (context guardrail = true) no longer limits the "
        .. "user.",
      "Exposed credentials back in use: when context exposed_key_policy is true, AWS had "
        .. "found this user's access key in public and the deleted policy was what held it "
        .. "back.",
      "Change control: CIS AWS Foundations Benchmark v1.2.0 3.4 asks for an alarm on IAM "
        .. "policy changes.",
    },
    console = {
      "1. CloudTrail > Event history: filter on Event name = PutUserPolicy and Resource "
        .. "name = the user to recover the deleted document.",
      "2. IAM > Users: open the user, Permissions tab, and see what remains.",
      "3. If the actor is the user itself, or exposed_key_policy is true: Security "
        .. "credentials tab, deactivate every access key, then find out who holds them.",
      "4. If the delete was not planned: Add permissions > Create inline policy, paste the "
        .. "recovered JSON, and save it under the old name.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=PutUserPolicy",
      "aws iam list-user-policies --user-name <user>",
      "aws iam put-user-policy --user-name <user> --policy-name <policy-name> "
        .. "--policy-document file://policy.json",
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
    },
  },
  tests = {
    { name = "ordinary inline policy deleted by an admin", fires = true,
      event = "samples/delete_user_policy.json",
      alert = { context = { guardrail = false, exposed_key_policy = false, other_user = true,
                            via_console = true, root = false } } },
    { name = "user strips AWS's exposed-key policy off itself", fires = true,
      event = "samples/delete_user_policy_exposed.json",
      alert = { context = { guardrail = false, exposed_key_policy = true, other_user = false,
                            via_console = false, root = false } } },
    { name = "denied call", fires = false, event = "samples/delete_user_policy_denied.json" },
    { name = "CloudFormation stack update", fires = false,
      event = "samples/delete_user_policy_cfn.json" },
  },
}
