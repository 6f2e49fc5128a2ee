-- S3 bucket default encryption configuration deleted.
--
-- Since January 2023 S3 falls back to SSE-S3 for new objects, so data is
-- not stored in clear; what is lost is the customer-managed KMS key (its key
-- policy, its audit trail in CloudTrail, the ability to revoke access by
-- disabling it). Failed calls stay quiet; so do AWS services (stack updates
-- that rewrite the configuration delete it first).
local aws = require "vigil.aws"

rule {
  id = "aws.s3.bucket_encryption_deleted",
  title = "S3 bucket default encryption deleted",
  severity = "medium",
  description = "A principal deleted a bucket's default encryption configuration; new "
    .. "objects fall back to S3-managed keys.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "DeleteBucketEncryption" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted the default encryption of bucket {requestParameters.bucketName}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A bucket's default encryption says how S3 encrypts new objects, typically "
      .. "with a customer-managed KMS key (SSE-KMS). DeleteBucketEncryption removes the "
      .. "setting; S3 then uses its own keys (SSE-S3) for new objects. Existing objects "
      .. "keep their encryption. Access to new objects no longer needs kms:Decrypt on "
      .. "your key, so key policies stop restricting who can read them.",
    risks = {
      "Unauthorized access: anyone with s3:GetObject can read new objects; the KMS key "
        .. "policy was the second lock and it is gone for new data.",
      "Audit loss: KMS Decrypt calls, which showed who read sensitive objects, are no "
        .. "longer made for new objects.",
      "Compliance: encryption with customer-managed keys may be required for regulated "
        .. "data (for example PCI DSS requirement 3, protect stored account data).",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Properties > Default encryption: "
        .. "choose Edit, select SSE-KMS with the former key, Bucket Key enabled, Save "
        .. "changes.",
      "2. Objects written since the change are SSE-S3: re-encrypt the sensitive ones by "
        .. "copying them over themselves with the KMS key.",
      "3. Ask the actor why encryption was removed.",
    },
    cli = {
      "aws s3api get-bucket-encryption --bucket <bucket>",
      "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration "
        .. "'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\","
        .. "\"KMSMasterKeyID\":\"<key-arn>\"},\"BucketKeyEnabled\":true}]}'",
      "aws s3 cp s3://<bucket>/<key> s3://<bucket>/<key> --sse aws:kms --sse-kms-key-id <key-arn>",
    },
  },
  tests = {
    { name = "encryption deleted", fires = true, event = "samples/delete_bucket_encryption.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "stack update", fires = false, event = "samples/delete_bucket_encryption_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/delete_bucket_encryption_denied.json" },
    { name = "encryption set", fires = false, event = "samples/put_bucket_encryption.json" },
  },
}
