-- An access key of another IAM user deleted.
--
-- Only keys of someone other than the caller count: people delete their own
-- old keys during every rotation, and a caller deleting their own key harms
-- nobody else. vigil.aws is_other_user decides (a missing userName means the
-- caller's own key). A failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.delete_access_key_other_user",
  title = "Access key of another IAM user deleted",
  severity = "low",
  description = "A principal deleted an access key belonging to a different IAM user.",
  tags = { "attack.t1531", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html",
    "https://attack.mitre.org/techniques/T1531/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DeleteAccessKey" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and aws.is_other_user(e)
  end,
  output = "{actor} deleted access key {requestParameters.accessKeyId} of user "
    .. "{requestParameters.userName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "DeleteAccessKey permanently deletes one of an IAM user's access keys; here the "
      .. "caller deleted a key of a different user. A deleted key cannot be restored, and "
      .. "every program still using it fails from then on.",
    risks = {
      "Impact (account access removal): CI jobs, backups or integrations that use the key "
        .. "stop working.",
      "An attacker with IAM write access deletes the owner's keys to lock them out, or "
        .. "deletes a key they abused to make it harder to trace.",
      "Compliance: NIST 800-53 AC-2 and SOC 2 CC8.1 (credential changes on another identity"
        .. " go through change control).",
    },
    console = {
      "1. IAM > Users: open the user from the alert, Security credentials tab, and check "
        .. "the remaining keys and their Last used column.",
      "2. CloudTrail > Event history: filter on Access key ID = the deleted key to see "
        .. "what it was used for recently and from where.",
      "3. Ask the key's owner whether the delete was planned (rotation, offboarding).",
      "4. If it was not and the key is needed: Create access key on the same tab and hand "
        .. "the new key over through your secret store.",
    },
    cli = {
      "aws iam list-access-keys --user-name <user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<deleted-key-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor>",
      "aws iam create-access-key --user-name <user>",
    },
  },
  tests = {
    { name = "another user's key deleted", fires = true,
      event = "samples/delete_access_key_other_user.json" },
    { name = "own key deleted, userName given", fires = false,
      event = "samples/delete_access_key_own.json" },
    { name = "own key deleted, userName omitted", fires = false,
      event = "samples/delete_access_key_own_implicit.json" },
    { name = "denied call", fires = false,
      event = "samples/delete_access_key_denied.json" },
    { name = "CloudFormation stack deletes a key", fires = false,
      event = "samples/delete_access_key_cfn.json" },
  },
}
