-- S3 versioning suspended, or MFA delete switched off.
--
-- PutBucketVersioning with Status Suspended (Disabled is accepted too, as
-- some tools write it) or MfaDelete Disabled. Enabling calls stay quiet, as
-- do failed calls and AWS services (stacks that suspend versioning on
-- scratch buckets).
local aws = require "vigil.aws"

local function weakened(e)
  local out = {}
  local status = e["requestParameters.VersioningConfiguration.Status"]
  local mfa = e["requestParameters.VersioningConfiguration.MfaDelete"]
  if status == "Suspended" or status == "Disabled" then
    out[#out + 1] = "versioning " .. status
  end
  if mfa == "Disabled" then
    out[#out + 1] = "MFA delete Disabled"
  end
  return out
end

rule {
  id = "aws.s3.versioning_suspended",
  title = "S3 versioning suspended or MFA delete disabled",
  severity = "medium",
  description = "A principal suspended versioning on a bucket or turned off MFA delete; "
    .. "overwritten and deleted objects can no longer be recovered from older versions.",
  tags = { "attack.t1490", "attack.impact", "attack.t1562", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
    "https://attack.mitre.org/techniques/T1490/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "PutBucketVersioning" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and #weakened(e) > 0
  end,
  output = "{actor} weakened versioning on bucket {requestParameters.bucketName}",
  context = function(e)
    return { changes = weakened(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "With versioning on, S3 keeps every earlier version of an object: an "
      .. "overwrite or delete can be undone. Suspending versioning stops new versions "
      .. "(existing ones stay). MFA delete requires the root user's MFA code to delete "
      .. "versions or change versioning; disabling it removes that second factor.",
    risks = {
      "Inhibit system recovery: ransomware overwrites or deletes objects after "
        .. "suspending versioning so no clean copy remains.",
      "Data loss: accidental or malicious overwrites become permanent.",
      "Compliance: backup and retention controls relying on versioning stop working: CIS AWS "
        .. "Foundations Benchmark v1.4.0 2.1.3 (MFA Delete on S3 buckets), AWS Foundational "
        .. "Security Best Practices S3.14 (versioning enabled), SOC 2 A1.2.",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Properties > Bucket Versioning: "
        .. "choose Edit, select Enable, Save changes.",
      "2. MFA delete can only be turned back on by the root user with the CLI (see "
        .. "below).",
      "3. Check for deletions and overwrites on the bucket since the change (CloudTrail "
        .. "data events, or S3 server access logs).",
    },
    cli = {
      "aws s3api get-bucket-versioning --bucket <bucket>",
      "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration "
        .. "Status=Enabled",
      "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration "
        .. "Status=Enabled,MFADelete=Enabled --mfa \"<root-mfa-serial> <code>\"",
    },
  },
  tests = {
    { name = "versioning suspended", fires = true,
      event = "samples/put_bucket_versioning_suspended.json",
      alert = { severity = "medium", context = { changes = { "versioning Suspended" },
                                                 via_console = false } } },
    { name = "MFA delete disabled", fires = true,
      event = "samples/put_bucket_versioning_mfa_delete_off.json",
      alert = { context = { changes = { "MFA delete Disabled" }, via_console = false } } },
    { name = "versioning enabled", fires = false,
      event = "samples/put_bucket_versioning_enabled.json" },
    { name = "denied call", fires = false,
      event = "samples/put_bucket_versioning_suspended_denied.json" },
    { name = "stack on a scratch bucket", fires = false,
      event = "samples/put_bucket_versioning_suspended_cfn.json" },
  },
}
