-- A KMS key scheduled for deletion.
--
-- After the waiting period (7 to 30 days) the key material is gone and every
-- ciphertext under the key (EBS volumes, S3 objects, RDS snapshots, secrets)
-- can never be decrypted again: ransomware without a ransom note. Failed
-- calls changed nothing and stay quiet. A CloudFormation stack that deletes
-- a key it created (invokedBy cloudformation) is ordinary teardown and
-- stays quiet; a person or script deleting a key fires, and a short window
-- raises the severity because it leaves less time to notice and cancel.
local aws = require "vigil.aws"

-- Waiting periods this short or shorter are high severity (AWS's minimum is 7).
local SHORT_WINDOW_DAYS = 7

local function window(e)
  return tonumber(e["requestParameters.pendingWindowInDays"])
end

rule {
  id = "aws.kms.key_deletion_scheduled",
  title = "KMS key scheduled for deletion",
  severity = function(e)
    local days = window(e)
    return (days and days <= SHORT_WINDOW_DAYS) and "high" or "medium"
  end,
  description = "A principal scheduled a KMS key for deletion; when the waiting period ends, "
    .. "everything encrypted under the key becomes unreadable for good.",
  tags = { "attack.t1485", "attack.t1486", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
    "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
    "https://attack.mitre.org/techniques/T1485/",
  },
  on = { eventSource = "kms.amazonaws.com", eventName = "ScheduleKeyDeletion" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} scheduled KMS key {requestParameters.keyId} for deletion in "
    .. "{requestParameters.pendingWindowInDays} days",
  context = function(e)
    return { pending_days = window(e), deletion_date = e["responseElements.deletionDate"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "ScheduleKeyDeletion puts a customer managed KMS key in the PendingDeletion state: "
      .. "it can no longer encrypt or decrypt, and after the waiting period (7 to 30 days, "
      .. "default 30) AWS destroys the key material. Nothing encrypted under it can be "
      .. "recovered after that, not even by AWS.",
    risks = {
      "Impact (data destruction): EBS volumes, snapshots, S3 objects, RDS databases and "
        .. "secrets encrypted with the key are lost for good once the key is deleted.",
      "Outage: from the moment of scheduling, every service call that needs the key fails "
        .. "(KMSInvalidStateException), so applications break at once.",
      "Compliance: CIS AWS Foundations Benchmark 4.7 asks for an alarm on disabling or "
        .. "scheduled deletion of customer managed keys; SOC 2 CC7.2 / PCI DSS 3.6 expect "
        .. "key lifecycle changes to be controlled.",
    },
    console = {
      "1. KMS > Customer managed keys: open the key from the alert; its status reads "
        .. "Pending deletion with the deletion date.",
      "2. Ask the actor and the key's owner whether the deletion is planned; check what the "
        .. "key protects (Key policy tab, tags, CloudTrail Decrypt calls on it).",
      "3. If it is not planned: Key actions > Cancel key deletion. The key comes back "
        .. "Disabled.",
      "4. Key actions > Enable, so services can decrypt again.",
      "5. Review the actor's other calls in CloudTrail > Event history and restrict "
        .. "kms:ScheduleKeyDeletion to a break-glass role.",
    },
    cli = {
      "aws kms describe-key --key-id <key-id>",
      "aws kms cancel-key-deletion --key-id <key-id>",
      "aws kms enable-key --key-id <key-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<key-id>",
    },
  },
  tests = {
    { name = "user schedules deletion in 7 days", fires = true,
      event = "samples/schedule_key_deletion.json",
      alert = { severity = "high", context = { pending_days = 7, via_console = false,
                                                deletion_date = "Mar 21, 2024, 10:57:10 AM" } } },
    { name = "30-day window is medium", fires = true,
      event = { eventSource = "kms.amazonaws.com", eventName = "ScheduleKeyDeletion",
                eventTime = "2024-03-14T10:57:10Z",
                userIdentity = { type = "IAMUser",
                                 arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { keyId = "k-1", pendingWindowInDays = 30 } },
      alert = { severity = "medium" } },
    { name = "denied", fires = false, event = "samples/schedule_key_deletion_denied.json" },
    { name = "CloudFormation stack teardown", fires = false,
      event = "samples/schedule_key_deletion_cfn.json" },
    { name = "cancelling a deletion is not a deletion", fires = false,
      event = "samples/cancel_key_deletion.json" },
  },
}
