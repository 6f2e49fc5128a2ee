-- Mass deletion in one S3 bucket: 100 or more DeleteObject / DeleteObjects
-- calls by one principal on one bucket within 5 minutes.
--
-- Ransomware and destructive intruders empty buckets object by object (or
-- 1000 keys per DeleteObjects) after copying them out. Threshold form keyed
-- by the actor and the bucket; the actor is part of the key, so the count is
-- exact with any number of workers. One alert per principal and bucket per
-- hour (dedup). A DeleteObjects call counts once whatever number of keys it
-- names: CloudTrail does not list them, so 100 calls can stand for 100,000
-- objects.
--
-- Needs S3 data events: object-level calls are only in CloudTrail when a
-- trail (or event data store) logs S3 data events with write selectors;
-- without them this rule never sees an event. Quiet on purpose: AWS
-- services (replication, S3 Batch Operations' service role, lifecycle
-- expiration is not a CloudTrail event at all) and failed calls (a denied
-- delete removed nothing, though a burst of those is
-- aws.recon.access_denied_burst's). Deleting with versioning on only adds
-- delete markers (recoverable); the record does not say which, so the
-- runbook checks the bucket.
-- Applications that legitimately churn many objects (caches, temp uploads)
-- need a local exception for their role and bucket.
local aws = require "vigil.aws"

local function bucket_key(e)
  local b = e["requestParameters.bucketName"]
  if type(b) ~= "string" then
    return nil -- no bucket, nothing to count
  end
  return aws.actor(e) .. " " .. b
end

-- Test events: n deletions of objects in `bucket` by `who`, `step` seconds apart.
local function deletes(n, step, who, bucket, extra)
  local out = {}
  for i = 0, n - 1 do
    local s = i * step
    local ev = {
      eventSource = "s3.amazonaws.com", eventName = (i % 5 == 0) and "DeleteObjects"
        or "DeleteObject", eventCategory = "Data", managementEvent = false, readOnly = false,
      eventTime = string.format("2024-06-11T%02d:%02d:%02dZ", 10 + s // 3600, (s // 60) % 60,
                                s % 60),
      recipientAccountId = "111122223333", sourceIPAddress = "203.0.113.50",
      userAgent = "[aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64 prompt/off]",
      userIdentity = { type = "IAMUser", accountId = "111122223333", userName = who,
                       arn = "arn:aws:iam::111122223333:user/" .. who },
      requestParameters = { bucketName = bucket or "finance-records",
                            key = string.format("2024/ledger-%05d.csv", i) },
    }
    for k, v in pairs(extra or {}) do
      ev[k] = v
    end
    out[#out + 1] = ev
  end
  return out
end

rule {
  id = "aws.s3.mass_object_deletion",
  title = "Mass deletion of objects in an S3 bucket",
  severity = "high",
  description = "One principal made 100 or more object deletion calls on one bucket within 5 "
    .. "minutes.",
  tags = { "attack.t1485", "attack.t1486", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html",
    "https://attack.mitre.org/techniques/T1485/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = { "DeleteObject", "DeleteObjects" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and bucket_key(e) ~= nil
  end,
  threshold = { count = 100, window = "5m", key = bucket_key },
  dedup = { window = "1h", key = bucket_key },
  output = "{actor} deleted objects in bucket {requestParameters.bucketName} 100 or more times "
    .. "within 5 minutes, from {source_ip}",
  runbook = {
    about = "S3 data events show a burst of DeleteObject / DeleteObjects calls by one "
      .. "principal on one bucket (context.threshold has the count). Each DeleteObjects call "
      .. "can delete up to 1000 objects. On a versioned bucket deletes add delete markers "
      .. "and old versions can be restored; on an unversioned one the data is gone.",
    risks = {
      "Impact: data destruction, often the last step of an extortion where the data was "
        .. "copied out first (look for GetObject or CopyObject bursts by the same actor).",
      "Compliance: SOC 2 A1.2 (recovery), PCI DSS 10.5 / 12.10 (protect and recover data), "
        .. "GDPR Art. 32 (availability of personal data).",
    },
    console = {
      "1. IAM: deactivate the actor's access keys or revoke its role sessions now.",
      "2. S3 > the bucket > Properties: check Bucket Versioning; if enabled, Objects > Show "
        .. "versions and delete the delete markers to bring objects back.",
      "3. If versioning was off: restore from AWS Backup or replication copies.",
      "4. Turn on versioning and consider Object Lock and MFA delete for the bucket.",
    },
    cli = {
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws s3api get-bucket-versioning --bucket <bucket>",
      "aws s3api list-object-versions --bucket <bucket> --prefix <prefix> "
        .. "--query 'DeleteMarkers[?IsLatest]'",
      "aws s3api delete-object --bucket <bucket> --key <key> --version-id <marker-version-id>",
      "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration "
        .. "Status=Enabled",
    },
  },
  tests = {
    { name = "100 deletions in 100 seconds", fires = true, alerts = 1,
      events = deletes(100, 1, "etl-runner"),
      alert = { severity = "high", actor = "arn:aws:iam::111122223333:user/etl-runner",
                context = { threshold = { count = 100, window_seconds = 300 } } } },
    { name = "99 deletions", fires = false, alerts = 0, events = deletes(99, 1, "etl-runner") },
    { name = "100 deletions over 25 minutes", fires = false, alerts = 0,
      events = deletes(100, 15, "etl-runner") },
    { name = "50 each in two buckets", fires = false, alerts = 0,
      events = (function()
        local out = deletes(50, 1, "etl-runner", "finance-records")
        for _, ev in ipairs(deletes(50, 1, "etl-runner", "scratch")) do out[#out + 1] = ev end
        return out
      end)() },
    { name = "50 each by two principals", fires = false, alerts = 0,
      events = (function()
        local out = deletes(50, 1, "etl-runner")
        for _, ev in ipairs(deletes(50, 1, "report-job")) do out[#out + 1] = ev end
        return out
      end)() },
    { name = "denied deletions", fires = false, alerts = 0,
      events = deletes(120, 1, "etl-runner", nil, { errorCode = "AccessDenied" }) },
    { name = "an AWS service (replication)", fires = false, alerts = 0,
      events = deletes(120, 1, "x", nil, { userIdentity = { type = "AWSService",
                                                            invokedBy = "s3.amazonaws.com" } }) },
    { name = "250 deletions in 5 minutes: one alert (dedup)", fires = false, alerts = 1,
      events = deletes(250, 1, "etl-runner") },
  },
}
