-- AWS Config delivery channel deleted.
--
-- Fires on every successful DeleteDeliveryChannel, AWS services included, for
-- the same reason as aws.config.recorder_stopped. A refused call (AccessDenied,
-- or LastDeliveryChannelDeleteFailedException while the recorder still runs)
-- changed nothing and stays quiet; the stop that usually comes first has its
-- own rule.
local aws = require "vigil.aws"

rule {
  id = "aws.config.delivery_channel_deleted",
  title = "AWS Config delivery channel deleted",
  severity = "high",
  description = "A principal deleted the AWS Config delivery channel; configuration history "
    .. "and snapshots are no longer delivered to S3 or SNS.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteDeliveryChannel.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "config.amazonaws.com", eventName = "DeleteDeliveryChannel" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} deleted AWS Config delivery channel {requestParameters.deliveryChannelName} "
    .. "in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "The delivery channel tells AWS Config where to send configuration history "
      .. "files and snapshots (an S3 bucket) and change notifications (an SNS topic). "
      .. "AWS Config only lets the last channel be deleted once the recorder is stopped, "
      .. "so this call normally follows StopConfigurationRecorder: together they take "
      .. "Config out of the region.",
    risks = {
      "Defense evasion: configuration history stops reaching the S3 bucket that "
        .. "auditors and tools read.",
      "Detection blind spot: notifications on the SNS topic stop, and anything "
        .. "subscribed to it goes quiet.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.5 (AWS Config enabled in all "
        .. "regions) and 4.9 (alarm on AWS Config configuration changes).",
    },
    console = {
      "1. AWS Config (in the region from the alert) > Settings > Edit: under Delivery "
        .. "method choose the former S3 bucket (and SNS topic if one was used), then Save.",
      "2. On the same page, make sure Recording is on; start it if it was stopped.",
      "3. CloudTrail > Event history: filter on Event source = config.amazonaws.com and "
        .. "on User name = the actor to see the full sequence of changes.",
      "4. Unless the actor confirms the change, treat the credentials as compromised.",
    },
    cli = {
      "aws configservice describe-delivery-channels --region <region>",
      "aws configservice put-delivery-channel --delivery-channel "
        .. "name=default,s3BucketName=<bucket> --region <region>",
      "aws configservice start-configuration-recorder --configuration-recorder-name "
        .. "<recorder> --region <region>",
    },
  },
  tests = {
    { name = "delivery channel deleted", fires = true,
      event = "samples/delete_delivery_channel.json",
      alert = { severity = "high", context = { via_console = false } } },
    { name = "refused while the recorder runs", fires = false,
      event = "samples/delete_delivery_channel_not_stopped.json" },
  },
}
