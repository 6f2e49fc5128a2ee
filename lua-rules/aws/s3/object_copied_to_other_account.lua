-- S3 object copied into a bucket owned by another AWS account.
--
-- CopyObject (and UploadPartCopy, the multipart form the CLI uses for large
-- files; only part 1 fires, so one copy raises one alert) names the
-- destination bucket in requestParameters.bucketName; resources[] gives each
-- bucket's owner. The copy fires when the destination's owner is not the
-- site's (vigil.data.is_own_account). When resources[] does not name the
-- destination, any foreign-owned bucket in the copy fires, marked
-- destination_known = false. A data event: only seen when the trail
-- records S3 data events. Failed calls and AWS services stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

-- The foreign account the copy involves, and whether it is the destination.
local function foreign(e)
  local dest = data.bucket_owner(e, e["requestParameters.bucketName"])
  local res = e.resources
  if dest ~= nil then
    if data.is_own_account(e, dest) then
      return nil
    end
    return dest, true
  end
  for i = 1, (res and #res or 0) do
    local r = res[i]
    if r.type == "AWS::S3::Bucket" and type(r.accountId) == "string"
        and not data.is_own_account(e, r.accountId) then
      return r.accountId, false
    end
  end
  return nil
end

local function first_part(e)
  if e.eventName ~= "UploadPartCopy" then
    return true
  end
  return tonumber(e["requestParameters.partNumber"]) == 1
end

rule {
  id = "aws.s3.object_copied_to_other_account",
  title = "S3 object copied to another account's bucket",
  severity = "medium",
  description = "A principal copied an S3 object into a bucket owned by an AWS account "
    .. "outside your own and your trusted accounts.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = { "CopyObject", "UploadPartCopy" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and first_part(e)
      and foreign(e) ~= nil
  end,
  output = "{actor} copied {requestParameters.x-amz-copy-source} to "
    .. "s3://{requestParameters.bucketName}/{requestParameters.key}, a bucket of another account",
  context = function(e)
    local acct, known = foreign(e)
    return { other_account = acct, destination_known = known, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "CopyObject copies an object server-side, inside S3: the data never passes "
      .. "through the caller's network, so it is fast and leaves no download in network "
      .. "logs. The destination here belongs to an account that is neither yours nor in "
      .. "vigil.data.trusted_accounts. The caller needed write access to that bucket, "
      .. "which its owner granted.",
    risks = {
      "Exfiltration (transfer data to cloud account): copying into an attacker-owned "
        .. "bucket is the quickest way to take large amounts of data out of S3.",
      "Ransomware: attackers copy data out before deleting or encrypting the original "
        .. "and ask for payment.",
      "Data loss: the copy in the other account is out of your control for good.",
      "Compliance: SOC 2 CC6.7 and C1.1, NIST 800-53 AC-4 (information flow enforcement).",
    },
    console = {
      "1. Identify the account from the alert (AWS Organizations > AWS accounts, or your "
        .. "partner list). If it is known, add it to vigil.data.trusted_accounts.",
      "2. If it is unknown, disable the actor's credentials (IAM > Users > Security "
        .. "credentials > Deactivate, or revoke the role's sessions).",
      "3. CloudTrail data events: list every CopyObject/UploadPartCopy by the actor to "
        .. "measure what left, and GetObject calls before it.",
      "4. Add a bucket policy or SCP denying s3:PutObject to buckets outside your "
        .. "organization (condition aws:ResourceOrgID).",
    },
    cli = {
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws organizations describe-account --account-id <account-id>",
    },
  },
  tests = {
    { name = "export copied to another account", fires = true,
      event = "samples/copy_object_external.json",
      alert = { severity = "medium", context = { other_account = "444455556666",
                                                 destination_known = true,
                                                 via_console = false } } },
    { name = "first part of a multipart copy", fires = true,
      event = "samples/upload_part_copy_external_part1.json" },
    { name = "later parts stay quiet", fires = false,
      event = "samples/upload_part_copy_external_part2.json" },
    { name = "copy within the account", fires = false,
      event = "samples/copy_object_same_account.json" },
    { name = "copy in from a partner's bucket", fires = false,
      event = "samples/copy_object_from_partner.json" },
    { name = "denied call", fires = false, event = "samples/copy_object_external_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/copy_object_external_cfn.json" },
  },
}
