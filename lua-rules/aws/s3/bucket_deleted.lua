-- S3 bucket deleted.
--
-- Low severity: S3 only deletes empty buckets, so the data went earlier (in
-- object deletions, which a later stateful rule will count); the delete
-- closes the story and frees the name for anyone to claim. Failed calls
-- (BucketNotEmpty, AccessDenied) stay quiet; so do AWS services (stack
-- teardowns delete their buckets).
--
-- One alert per actor per hour: an infrastructure-as-code run deletes many
-- buckets in a burst (the invictus-ir capture's Terraform teardown,
-- docs/coverage.md); the later calls of the hour are counted in the actor's
-- next alert (duplicates). Known weakness: that count waits for the next
-- alert (in a one-shot scan it shows only in --stats matches); an end-of-
-- window summary alert from the engine would fix it. The user agent is not
-- trusted to exempt automation: anyone can send Terraform's.
local aws = require "vigil.aws"

-- A DeleteBucket by `arn` at minute `min` of one day, for the tests.
local function call(arn, min)
  return { eventSource = "s3.amazonaws.com", eventName = "DeleteBucket",
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           userIdentity = { type = "IAMUser", arn = arn },
           userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
           requestParameters = { bucketName = "stack-bucket-" .. min } }
end
local TF = "arn:aws:iam::111122223333:user/terraform-ci"
local DANA = "arn:aws:iam::111122223333:user/dana"

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
  dedup = { window = "1h" },
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
      .. "in any account."
      .. " One alert stands for the actor's calls over an hour; duplicates counts "
      .. "the earlier ones it folds in.",
    risks = {
      "Data loss: the bucket's contents are gone unless replicated or backed up.",
      "Bucket takeover: applications, DNS records (S3 websites, CloudFront origins) or "
        .. "log deliveries still pointing at the name will talk to whoever claims it next.",
      "Impact: deleting log or backup buckets is part of destroying evidence and "
        .. "recovery options.",
      "Compliance: SOC 2 A1.2 and NIST 800-53 CP-9 (recoverable data); PCI DSS 10.5.1 (12 "
        .. "months of logs) when the bucket held logs.",
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
    { name = "a Terraform destroy deleting buckets is one alert", fires = false, alerts = 1,
      events = { call(TF, 600), call(TF, 600), call(TF, 601), call(TF, 602) } },
    { name = "another actor in the same hour still alerts", fires = true, alerts = 2,
      events = { call(TF, 600), call(TF, 601), call(DANA, 602) },
      alert = { actor = DANA, duplicates = 1 } },
    { name = "the next hour alerts again, counting the folded deletions", fires = true,
      alerts = 2, events = { call(TF, 600), call(TF, 630), call(TF, 661) },
      alert = { duplicates = 2 } },
  },
}
