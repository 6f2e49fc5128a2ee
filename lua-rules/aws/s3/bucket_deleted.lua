-- S3 bucket deleted.
--
-- Low severity: S3 only deletes empty buckets, so the data went earlier (in
-- object deletions, which a later stateful rule will count); the delete
-- closes the story and frees the name for anyone to claim. Failed calls
-- (BucketNotEmpty, AccessDenied) stay quiet; so do AWS services (stack
-- teardowns delete their buckets).
local aws = require "vigil.aws"

rule {
  id = "aws.s3.bucket_deleted",
  title = "S3 bucket deleted",
  severity = "low",
  description = "A principal deleted an S3 bucket.",
  tags = { "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html",
    "https://attack.mitre.org/techniques/T1485/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "DeleteBucket" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted bucket {requestParameters.bucketName} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "DeleteBucket removes an empty bucket. Its objects (and object versions) were "
      .. "deleted before, possibly by a lifecycle rule or by the console's Empty action. "
      .. "Once deleted, the bucket name is free and anyone can create a bucket with it, "
      .. "in any account.",
    risks = {
      "Data loss: the bucket's contents are gone unless replicated or backed up.",
      "Bucket takeover: applications, DNS records (S3 websites, CloudFront origins) or "
        .. "log deliveries still pointing at the name will talk to whoever claims it next.",
      "Impact: deleting log or backup buckets is part of destroying evidence and "
        .. "recovery options.",
    },
    console = {
      "1. Ask the actor or the bucket's owner whether the deletion was planned.",
      "2. If not, recreate the bucket with the same name at once, in the same region, so "
        .. "nobody else can claim it.",
      "3. Restore its data from replicas or backups (AWS Backup > Protected resources).",
      "4. CloudTrail: look for DeleteObject/DeleteObjects and lifecycle changes on the "
        .. "bucket before the delete.",
    },
    cli = {
      "aws s3api create-bucket --bucket <bucket> --region <region> "
        .. "--create-bucket-configuration LocationConstraint=<region>",
      "aws backup list-recovery-points-by-resource --resource-arn arn:aws:s3:::<bucket>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<bucket>",
    },
  },
  tests = {
    { name = "bucket deleted", fires = true, event = "samples/delete_bucket.json",
      alert = { severity = "low", context = { via_console = false } } },
    { name = "not empty", fires = false, event = "samples/delete_bucket_not_empty.json" },
    { name = "stack teardown", fires = false, event = "samples/delete_bucket_cfn.json" },
  },
}
