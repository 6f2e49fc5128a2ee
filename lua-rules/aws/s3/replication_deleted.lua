-- S3 bucket replication configuration deleted.
--
-- Failed calls stay quiet; so do AWS services (stack updates that change
-- replication delete the old configuration first).
local aws = require "vigil.aws"

rule {
  id = "aws.s3.replication_deleted",
  title = "S3 bucket replication deleted",
  severity = "medium",
  description = "A principal deleted a bucket's replication configuration; new objects are no "
    .. "longer copied to the replica bucket.",
  tags = { "attack.t1490", "attack.impact", "attack.t1485" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketReplication.html",
    "https://attack.mitre.org/techniques/T1490/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "DeleteBucketReplication" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted the replication of bucket {requestParameters.bucketName}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Replication copies every new object (and, if set, deletions) to another "
      .. "bucket, often in another region or a separate backup account. "
      .. "DeleteBucketReplication removes all replication rules of the bucket: objects "
      .. "written from now on exist in one place only.",
    risks = {
      "Inhibit system recovery: a ransomware or wiping step usually starts by cutting "
        .. "the copies that would allow recovery.",
      "Data loss: the next deletion or overwrite of the source has no replica.",
      "Resilience and compliance: cross-region copies required by a recovery plan stop.",
      "Compliance: SOC 2 A1.2 and NIST 800-53 CP-6 / CP-9 (alternate storage and backup).",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Management > Replication rules: "
        .. "choose Create replication rule and recreate the former rules (destination "
        .. "bucket, IAM role, KMS settings).",
      "2. Use Batch Replication to copy the objects written during the gap.",
      "3. Ask the actor why replication was removed; check the destination bucket still "
        .. "exists and was not changed.",
    },
    cli = {
      "aws s3api get-bucket-replication --bucket <bucket>",
      "aws s3api put-bucket-replication --bucket <bucket> --replication-configuration "
        .. "file://<replication.json>",
    },
  },
  tests = {
    { name = "replication deleted", fires = true, event = "samples/delete_bucket_replication.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "stack update", fires = false, event = "samples/delete_bucket_replication_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/delete_bucket_replication_denied.json" },
  },
}
