-- S3 server access logging switched off for a bucket.
--
-- PutBucketLogging whose BucketLoggingStatus has no LoggingEnabled block is
-- how logging is turned off. Calls that set a target stay quiet, as do
-- failed calls and AWS services.
local aws = require "vigil.aws"

rule {
  id = "aws.s3.access_logging_disabled",
  title = "S3 server access logging disabled",
  severity = "medium",
  description = "A principal turned off server access logging for an S3 bucket; requests to "
    .. "it are no longer logged by S3.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "PutBucketLogging" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and e["requestParameters.BucketLoggingStatus"] ~= nil
      and e["requestParameters.BucketLoggingStatus.LoggingEnabled"] == nil
  end,
  output = "{actor} turned off server access logging for bucket {requestParameters.bucketName}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Server access logging makes S3 write a record of every request to the bucket "
      .. "(who, from where, which object, the result) into a target bucket. It is often "
      .. "the only record of object reads when CloudTrail data events are off. "
      .. "PutBucketLogging without a LoggingEnabled target turns it off.",
    risks = {
      "Defense evasion (disable cloud logs): bulk downloads that follow leave no trace "
        .. "in the access logs.",
      "Investigation: questions such as which objects were read, and by whom, can no "
        .. "longer be answered for the period.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.6 (access logging on the "
        .. "CloudTrail S3 bucket).",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Properties > Server access logging: "
        .. "choose Edit, Enable, select the former target bucket and prefix, Save changes.",
      "2. Ask the actor why logging was turned off; a bucket being retired is a reason, "
        .. "a bucket still in use is not.",
      "3. If CloudTrail data events are on for the bucket, use them to review requests "
        .. "made while logging was off (CloudTrail Lake or Athena over the trail's bucket).",
      "4. CloudTrail > Event history: filter User name = the actor and look for what "
        .. "followed (GetObject bursts, bucket policy or ACL changes, deletions).",
    },
    cli = {
      "aws s3api get-bucket-logging --bucket <bucket>",
      "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status "
        .. "'{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\","
        .. "\"TargetPrefix\":\"<prefix>\"}}'",
    },
  },
  tests = {
    { name = "logging off", fires = true, event = "samples/put_bucket_logging_off.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "logging on", fires = false, event = "samples/put_bucket_logging_on.json" },
    { name = "denied call", fires = false, event = "samples/put_bucket_logging_off_denied.json" },
    { name = "stack on a scratch bucket", fires = false,
      event = "samples/put_bucket_logging_off_cfn.json" },
  },
}
