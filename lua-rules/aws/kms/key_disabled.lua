-- A KMS key disabled.
--
-- A disabled key refuses every cryptographic operation, so whatever it
-- protects is unreadable until someone enables it again: an outage at once,
-- and sometimes the first step before a deletion. Failed calls changed
-- nothing; CloudFormation applying a template's Enabled: false is a
-- reviewed change and stays quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.kms.key_disabled",
  title = "KMS key disabled",
  severity = "medium",
  description = "A principal disabled a KMS key; data encrypted under it cannot be decrypted "
    .. "until the key is enabled again.",
  tags = { "attack.t1485", "attack.t1486", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html",
    "https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html",
  },
  on = { eventSource = "kms.amazonaws.com", eventName = "DisableKey" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} disabled KMS key {requestParameters.keyId}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "DisableKey sets a customer managed KMS key to Disabled. The key material is kept, "
      .. "but Encrypt, Decrypt, GenerateDataKey and every service integration using the key "
      .. "fail until EnableKey is called.",
    risks = {
      "Impact (availability): EBS volumes cannot attach, S3 objects and secrets under the key "
        .. "cannot be read; applications fail at once.",
      "Preparation for destruction: disabling is often followed by ScheduleKeyDeletion.",
      "Compliance: CIS AWS Foundations Benchmark 4.7 asks for an alarm on disabling or "
        .. "scheduled deletion of customer managed keys.",
    },
    console = {
      "1. KMS > Customer managed keys: open the key from the alert; Status shows Disabled.",
      "2. Ask the actor and the key's owner whether the change is planned.",
      "3. If not: Key actions > Enable.",
      "4. Check that no deletion was scheduled for the same key (status Pending deletion); "
        .. "if it was, Key actions > Cancel key deletion first.",
      "5. Review the actor's other calls in CloudTrail > Event history.",
    },
    cli = {
      "aws kms describe-key --key-id <key-id> --query KeyMetadata.KeyState",
      "aws kms enable-key --key-id <key-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<key-id>",
    },
  },
  tests = {
    { name = "user disables a key", fires = true, event = "samples/disable_key.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "denied", fires = false, event = "samples/disable_key_denied.json" },
    { name = "CloudFormation template change", fires = false,
      event = "samples/disable_key_cfn.json" },
  },
}
