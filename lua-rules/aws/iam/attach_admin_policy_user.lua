-- An administrator policy attached to a user.
--
-- See iam_attach_admin_policy_role.lua for why there are three rules and
-- what counts as administrator. A failed call granted nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.attach_admin_policy_user",
  title = "Administrator policy attached to an IAM user",
  severity = "high",
  description = "A principal attached AdministratorAccess (or another full-control AWS "
    .. "managed policy) to an IAM user.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html",
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"
      .. "AdministratorAccess.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "AttachUserPolicy" },
  when = function(e)
    return aws.succeeded(e) and aws.is_admin_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} attached {requestParameters.policyArn} to user "
    .. "{requestParameters.userName}",
  context = function(e)
    return { other_user = aws.is_other_user(e), via_console = aws.is_console(e),
             root = aws.is_root(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "AttachUserPolicy linked an AWS managed policy that gives full control of the "
      .. "account (AdministratorAccess, or IAMFullAccess, whose holder can grant itself "
      .. "anything) to an IAM user. The user's access keys and console password now carry "
      .. "administrator rights.",
    risks = {
      "Privilege escalation and persistence: a freshly created user made administrator is "
        .. "the classic backdoor; look for CreateUser and CreateAccessKey just before.",
      "Long-term keys with admin rights are the most valuable credential to steal from an "
        .. "account.",
      "Least privilege: an attached AdministratorAccess fails CIS AWS Foundations "
        .. "Benchmark 1.16 (no policy granting full '*:*' privileges attached).",
    },
    console = {
      "1. IAM > Users: open the user, Permissions tab, and confirm the policy.",
      "2. Security credentials tab: list its access keys and console password, and who "
        .. "created them (CloudTrail > Event history, Resource name = the user).",
      "3. If the change is not approved: remove the policy, and deactivate the user's "
        .. "access keys if the user itself is new or unknown.",
      "4. CloudTrail > Event history: filter on User name = the target user to see what "
        .. "it has done with the new rights.",
      "5. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls.",
    },
    cli = {
      "aws iam list-attached-user-policies --user-name <user>",
      "aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>",
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "AdministratorAccess on a user", fires = true,
      event = "samples/attach_user_policy_admin.json" },
    { name = "IAMFullAccess counts as admin", fires = true,
      event = "samples/attach_user_policy_iamfull.json" },
    { name = "PowerUserAccess is not admin", fires = false,
      event = "samples/attach_user_policy_poweruser.json" },
    { name = "denied call", fires = false,
      event = "samples/attach_user_policy_admin_denied.json" },
  },
}
