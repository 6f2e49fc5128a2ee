-- An access key created for another IAM user.
--
-- A user creating a key for themselves (userName omitted or their own) is
-- normal rotation and stays quiet; vigil.aws is_other_user decides. Roles and
-- root have no keys of their own, so any key they create is for someone else.
-- Fires even through an AWS service: a key handed out via a stack is still a
-- credential in someone's hands. A failed call issued nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.create_access_key_other_user",
  title = "Access key created for another IAM user",
  severity = "high",
  description = "A principal created a long-term access key for an IAM user other than "
    .. "itself, and so now holds that user's credentials.",
  tags = { "attack.t1098.001", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html",
    "https://attack.mitre.org/techniques/T1098/001/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "CreateAccessKey" },
  when = function(e)
    return aws.succeeded(e) and aws.is_other_user(e)
  end,
  output = "{actor} created access key {responseElements.accessKey.accessKeyId} for user "
    .. "{requestParameters.userName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "CreateAccessKey issues a new long-term access key (key ID and secret) for an "
      .. "IAM user. Here the caller created it for a different user, so the caller received "
      .. "working credentials for that user; the secret is returned only in the API "
      .. "response and never appears in CloudTrail.",
    risks = {
      "Persistence (additional cloud credentials): the key keeps working after the "
        .. "caller's own password or session is revoked, until someone deletes it.",
      "Privilege escalation: the caller can act with every permission of the target user; "
        .. "iam:CreateAccessKey allowed on all users is a known escalation path.",
      "A user may hold two keys: a new key next to the legitimate one is easy to miss.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.13 (one active access key per "
        .. "user), PCI DSS 8.2.2 (credentials used by one person only), SOC 2 CC6.2.",
    },
    console = {
      "1. IAM > Users: open the user from the alert, Security credentials tab, and find "
        .. "the new key (its ID is in the alert's responseElements.accessKey).",
      "2. Unless the user's owner confirms the request within minutes, choose Actions > "
        .. "Deactivate on that key.",
      "3. CloudTrail > Event history: filter on Access key ID = the new key to see "
        .. "whether it has been used, and from which IP addresses.",
      "4. CloudTrail > Event history: filter on User name = the actor and check for other "
        .. "users they created keys or passwords for.",
      "5. Once confirmed malicious, delete the key and rotate the actor's credentials.",
    },
    cli = {
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <new-key-id> "
        .. "--status Inactive",
      "aws iam get-access-key-last-used --access-key-id <new-key-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<new-key-id>",
      "aws iam delete-access-key --user-name <user> --access-key-id <new-key-id>",
    },
  },
  tests = {
    { name = "user creates a key for a service user", fires = true,
      event = "samples/create_access_key_other_user.json" },
    { name = "admin role creates a key for a user", fires = true,
      event = "samples/create_access_key_by_role.json" },
    { name = "key created by a CloudFormation stack still fires", fires = true,
      event = "samples/create_access_key_cfn.json" },
    { name = "user creates own key, userName given", fires = false,
      event = "samples/create_access_key_own.json" },
    { name = "user creates own key in the console, userName omitted", fires = false,
      event = "samples/create_access_key_own_implicit.json" },
    { name = "denied call", fires = false,
      event = "samples/create_access_key_denied.json" },
  },
}
