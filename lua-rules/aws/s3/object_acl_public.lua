-- An existing S3 object made public with PutObjectAcl.
--
-- A data event: only seen when the trail records S3 data events. Uploads that
-- carry a public ACL (PutObject with x-amz-acl public-read) are not covered:
-- website deployments do that on every file, and telling them apart needs a
-- list of website buckets. Failed calls and AWS services stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.s3.object_acl_public",
  title = "S3 object ACL made public",
  severity = "medium",
  description = "A principal changed an S3 object's ACL so that everyone, or every AWS "
    .. "account, can read or change it.",
  tags = { "attack.t1530", "attack.collection", "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html",
    "https://attack.mitre.org/techniques/T1530/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "PutObjectAcl" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and #data.public_acl_grants(e) > 0
  end,
  output = "{actor} made s3://{requestParameters.bucketName}/{requestParameters.key} public",
  context = function(e)
    return { grants = data.public_acl_grants(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "PutObjectAcl replaces the ACL of one object. With a grant to AllUsers (or the "
      .. "canned public-read) anyone can download the object by URL without signing in; "
      .. "AuthenticatedUsers means any AWS account. This works even when the bucket "
      .. "itself is private, unless Block Public Access ignores public ACLs or the bucket "
      .. "enforces bucket-owner ownership.",
    risks = {
      "Exfiltration: one object (a database dump, an export) made public can be "
        .. "downloaded anonymously, leaving no trace tied to a credential.",
      "Data loss: personal or regulated data exposed on the internet.",
      "Compliance: AWS Foundational Security Best Practices S3.8 (bucket-level Block Public"
        .. " Access) would have refused the ACL; SOC 2 C1.1.",
    },
    console = {
      "1. S3 > Buckets > the bucket > the object from the alert > Permissions: choose "
        .. "Edit under Access control list and remove the Everyone / Authenticated users "
        .. "grants.",
      "2. Bucket > Permissions > Object Ownership: choose Bucket owner enforced to "
        .. "disable ACLs for every object.",
      "3. Check S3 server access logs or CloudTrail data events for GetObject on the key "
        .. "by anonymous callers since the change.",
    },
    cli = {
      "aws s3api get-object-acl --bucket <bucket> --key <key>",
      "aws s3api put-object-acl --bucket <bucket> --key <key> --acl private",
      "aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls "
        .. "'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
    },
  },
  tests = {
    { name = "export made public-read", fires = true, event = "samples/put_object_acl_public.json",
      alert = { severity = "medium", context = { grants = { "canned public-read" },
                                                 via_console = false } } },
    { name = "bucket-owner-full-control", fires = false,
      event = "samples/put_object_acl_owner_full_control.json" },
    { name = "denied call changed nothing", fires = false,
      event = "samples/put_object_acl_public_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/put_object_acl_public_cfn.json" },
  },
}
