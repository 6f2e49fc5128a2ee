-- S3 bucket ACL granting everyone (AllUsers) or any AWS account
-- (AuthenticatedUsers), set by PutBucketAcl or at CreateBucket.
--
-- Matches the two global group URIs in explicit grants and the canned ACLs
-- public-read, public-read-write and authenticated-read. Whether Block Public
-- Access neutralises the ACL is not in the record, so every such grant
-- fires. Failed calls changed nothing and stay quiet. AWS services are not
-- skipped: a public bucket is public whichever stack made it.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.s3.bucket_acl_public",
  title = "S3 bucket ACL grants public access",
  severity = "high",
  description = "A bucket ACL now grants access to everyone on the internet or to any "
    .. "authenticated AWS user.",
  tags = { "attack.t1530", "attack.collection", "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html",
    "https://attack.mitre.org/techniques/T1530/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = { "PutBucketAcl", "CreateBucket" } },
  when = function(e)
    return aws.succeeded(e) and #data.public_acl_grants(e) > 0
  end,
  output = "{actor} made bucket {requestParameters.bucketName} public through its ACL "
    .. "({eventName})",
  context = function(e)
    return { grants = data.public_acl_grants(e), via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "An S3 access control list (ACL) is the old, per-bucket way to grant access. "
      .. "The AllUsers group means anyone on the internet, without signing; "
      .. "AuthenticatedUsers means anyone with any AWS account, not just yours. READ on a "
      .. "bucket lists its objects, WRITE lets strangers upload, READ_ACP/WRITE_ACP show "
      .. "or change the ACL. The alert's context lists the grants found.",
    risks = {
      "Unauthorized access and data loss: bucket contents can be listed (and, with "
        .. "object ACLs, downloaded) by anyone; WRITE lets them plant or overwrite data.",
      "Exfiltration: a public ACL is a quick way to hand data to an outside party "
        .. "without creating any credentials.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 2.1.5 (S3 Block Public Access) "
        .. "and the PCI DSS access-control requirements (requirement 7, access by need to "
        .. "know).",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Permissions > Access control list "
        .. "(ACL): choose Edit, clear every permission for Everyone (public access) and "
        .. "Authenticated users group, Save changes.",
      "2. On the same tab, under Object Ownership, choose Edit and select Bucket owner "
        .. "enforced: this disables ACLs for the bucket altogether.",
      "3. Under Block public access (bucket settings), choose Edit, tick Block all "
        .. "public access, Save changes.",
      "4. Check the bucket's server access logs or CloudTrail data events for anonymous "
        .. "reads (userIdentity type AWSAccount/Anonymous) since the change.",
    },
    cli = {
      "aws s3api get-bucket-acl --bucket <bucket>",
      "aws s3api put-bucket-acl --bucket <bucket> --acl private",
      "aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls "
        .. "'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
      "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
        .. "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,"
        .. "RestrictPublicBuckets=true",
    },
  },
  tests = {
    { name = "READ for AllUsers", fires = true, event = "samples/put_bucket_acl_all_users.json",
      alert = { severity = "high", context = { grants = { "AllUsers READ" },
                                               via_console = false } } },
    { name = "AuthenticatedUsers twice", fires = true,
      event = "samples/put_bucket_acl_authenticated_users.json",
      alert = { context = { grants = { "AuthenticatedUsers READ_ACP", "AuthenticatedUsers WRITE" },
                            via_console = false } } },
    { name = "canned public-read", fires = true,
      event = "samples/put_bucket_acl_canned_public.json",
      alert = { context = { grants = { "canned public-read" }, via_console = false } } },
    { name = "bucket created public-read-write", fires = true,
      event = "samples/create_bucket_public_read.json" },
    { name = "canned private", fires = false, event = "samples/put_bucket_acl_private.json" },
    { name = "S3 log delivery group is not public", fires = false,
      event = "samples/put_bucket_acl_log_delivery.json" },
    { name = "private bucket created", fires = false,
      event = "samples/create_bucket_private.json" },
    { name = "denied call", fires = false,
      event = "samples/put_bucket_acl_all_users_denied.json" },
  },
}
