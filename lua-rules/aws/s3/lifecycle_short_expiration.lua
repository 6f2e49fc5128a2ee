-- S3 lifecycle rule that deletes objects (or old versions) within days.
--
-- An enabled rule whose Expiration Days, or NoncurrentVersionExpiration
-- NoncurrentDays, is at most vigil.data.short_expiration_days (default 7;
-- change it from any rule file). Longer retention, transitions and
-- AbortIncompleteMultipartUpload are ordinary housekeeping. Expiration by
-- Date is not checked (a date needs the event time to judge). Failed calls
-- stay quiet; AWS services are skipped (stacks give scratch buckets short
-- lifetimes on purpose).
local aws = require "vigil.aws"
local data = require "vigil.data"

-- "<rule id>: expire after N days" for each short-lived enabled rule.
local function short_rules(e)
  local out = {}
  local limit = data.short_expiration_days
  local rules = e["requestParameters.LifecycleConfiguration.Rule"]
  for _, r in ipairs(data.list(rules)) do
    if r.Status == "Enabled" then
      local days = tonumber(r.Expiration and r.Expiration.Days)
      local nc = r.NoncurrentVersionExpiration
      local nc_days = tonumber(nc and nc.NoncurrentDays)
      local id = tostring(r.ID or "?")
      if days and days <= limit then
        out[#out + 1] = id .. ": objects expire after " .. days .. " day(s)"
      end
      if nc_days and nc_days <= limit then
        out[#out + 1] = id .. ": old versions expire after " .. nc_days .. " day(s)"
      end
    end
  end
  return out
end

rule {
  id = "aws.s3.lifecycle_short_expiration",
  title = "S3 lifecycle rule deletes data within days",
  severity = "medium",
  description = "A principal set a lifecycle rule that permanently deletes a bucket's "
    .. "objects or their older versions after only a few days.",
  tags = { "attack.t1485", "attack.impact", "attack.t1070", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
      .. "lifecycle-expire-general-considerations.html",
    "https://attack.mitre.org/techniques/T1485/",
  },
  on = { eventSource = "s3.amazonaws.com",
         eventName = { "PutBucketLifecycle", "PutBucketLifecycleConfiguration" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and #short_rules(e) > 0
  end,
  output = "{actor} set a short expiration lifecycle rule on bucket "
    .. "{requestParameters.bucketName}",
  context = function(e)
    return { rules = short_rules(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Lifecycle rules let S3 delete objects by age, without further API calls and "
      .. "without a DeleteObject event per object. A rule that expires current objects, "
      .. "or the older versions kept by versioning, after a day or a few days is a quiet "
      .. "way to wipe a bucket: on a CloudTrail or backup bucket it erases the logs and "
      .. "copies within a day. The alert names the rules and their ages.",
    risks = {
      "Data destruction: S3 removes the data in its next lifecycle run, typically "
        .. "within a day, and nothing is logged per object.",
      "Indicator removal: on log buckets (CloudTrail, access logs) the evidence of the "
        .. "intrusion disappears.",
      "Inhibit recovery: a short NoncurrentVersionExpiration defeats versioning as a "
        .. "backup.",
      "Compliance: PCI DSS 10.5.1 (keep logs 12 months) when the bucket holds logs; SOC 2 "
        .. "A1.2 and NIST 800-53 CP-9 (backup).",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Management > Lifecycle rules: "
        .. "select the rule from the alert and choose Delete (or Disable) at once; "
        .. "expired objects are removed asynchronously, so speed matters.",
      "2. If versioning is on, deleted current objects may still have older versions: "
        .. "list versions and restore what is needed.",
      "3. Check the bucket's other protections (Object Lock, replication) and the "
        .. "actor's other calls in CloudTrail > Event history.",
    },
    cli = {
      "aws s3api get-bucket-lifecycle-configuration --bucket <bucket>",
      "aws s3api delete-bucket-lifecycle --bucket <bucket>",
      "aws s3api list-object-versions --bucket <bucket> --prefix <prefix>",
    },
  },
  tests = {
    { name = "whole log bucket expires after one day", fires = true,
      event = "samples/put_bucket_lifecycle_one_day.json",
      alert = { severity = "medium", context = { via_console = false,
        rules = { "cleanup: objects expire after 1 day(s)" } } } },
    { name = "old versions expire after one day (second of two rules)", fires = true,
      event = "samples/put_bucket_lifecycle_noncurrent.json",
      alert = { context = { via_console = false,
        rules = { "old-versions: old versions expire after 1 day(s)" } } } },
    { name = "ninety days plus multipart clean-up", fires = false,
      event = "samples/put_bucket_lifecycle_ninety_days.json" },
    { name = "disabled rule", fires = false,
      event = "samples/put_bucket_lifecycle_disabled_rule.json" },
    { name = "stack scratch bucket", fires = false,
      event = "samples/put_bucket_lifecycle_one_day_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/put_bucket_lifecycle_one_day_denied.json" },
  },
}
