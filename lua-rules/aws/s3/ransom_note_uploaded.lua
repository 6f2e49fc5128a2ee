-- A ransom note uploaded to S3: a PutObject whose file name reads like the
-- notes ransomware leaves (HOW_TO_DECRYPT, RECOVER_YOUR_FILES, !!!READ_ME!!!).
--
-- Matches the object's file name (the last path segment, lowercased) against
-- vigil.data.ransom_note_patterns, only for text-like files (.txt, .html,
-- .htm, .hta, .md, .rtf, .url or no extension), so decrypt-utils.zip or a
-- README.md stay quiet. A data event: only seen when the trail records S3
-- data events. Failed calls and AWS services stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

local note_ext = { txt = true, html = true, htm = true, hta = true, md = true, rtf = true,
                   url = true, [""] = true }

local function note_name(e)
  local key = e["requestParameters.key"]
  if type(key) ~= "string" then
    return nil
  end
  local name = (key:match("([^/]*)$") or key):lower()
  local ext = name:match("%.([%w]+)$") or ""
  if not note_ext[ext] then
    return nil
  end
  for _, pat in ipairs(data.ransom_note_patterns) do
    if name:find(pat) then
      return name
    end
  end
  return nil
end

rule {
  id = "aws.s3.ransom_note_uploaded",
  title = "Ransom note uploaded to S3",
  severity = "high",
  description = "A principal uploaded an object whose name looks like a ransomware note "
    .. "(decryption or recovery instructions).",
  tags = { "attack.t1486", "attack.impact", "attack.t1485" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html",
    "https://attack.mitre.org/techniques/T1486/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "PutObject" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and note_name(e) ~= nil
  end,
  output = "{actor} uploaded s3://{requestParameters.bucketName}/{requestParameters.key}, "
    .. "which looks like a ransom note",
  context = function(e)
    return { file_name = note_name(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Ransomware against S3 deletes or encrypts a bucket's objects (often with a "
      .. "KMS key the attacker controls) and leaves a note telling the owner how to pay. "
      .. "The note is usually a .txt or .html file named like HOW_TO_DECRYPT or "
      .. "RECOVER_YOUR_FILES, uploaded to the top of the bucket or next to each folder.",
    risks = {
      "Impact (data encrypted or destroyed): the bucket's data may already be "
        .. "unreadable or deleted, and copied out for extortion.",
      "The credentials used are in an attacker's hands and may reach other buckets.",
      "Compliance: breach-notification clocks may start now (GDPR Art. 33: 72 hours; PCI "
        .. "DSS 12.10.1 incident response plan); SOC 2 CC7.4.",
    },
    console = {
      "1. Disable the actor's credentials at once (IAM > Users > Security credentials > "
        .. "Deactivate, or revoke the role's sessions).",
      "2. Open the note to learn the claim, then look at the bucket: list object "
        .. "versions, check for DeleteObject calls and for objects re-encrypted with an "
        .. "unknown KMS key (Properties of a few objects).",
      "3. If versioning is on, restore previous versions; otherwise restore from "
        .. "replicas or AWS Backup.",
      "4. Start your incident process: involve legal, and do not delete the evidence "
        .. "(the note, CloudTrail logs).",
    },
    cli = {
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws s3api list-object-versions --bucket <bucket> --max-items 100",
      "aws s3api head-object --bucket <bucket> --key <key>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "recovery note in a folder", fires = true,
      event = "samples/put_object_ransom_note.json",
      alert = { severity = "high", context = { file_name = "how_to_recover_your_files.txt",
                                               via_console = false } } },
    { name = "html note with exclamation marks", fires = true,
      event = "samples/put_object_ransom_note_html.json" },
    { name = "decrypt readme at the top", fires = true,
      event = "samples/put_object_decrypt_note_top.json" },
    { name = "quarterly report", fires = false, event = "samples/put_object_report.json" },
    { name = "library with decrypt in its name", fires = false,
      event = "samples/put_object_decrypt_library.json" },
    { name = "plain README", fires = false, event = "samples/put_object_readme.json" },
    { name = "denied upload", fires = false,
      event = "samples/put_object_ransom_note_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/put_object_ransom_note_cfn.json" },
  },
}
