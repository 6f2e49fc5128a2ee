-- S3 Block Public Access removed or weakened on a bucket.
--
-- DeleteBucketPublicAccessBlock, or PutBucketPublicAccessBlock with any of
-- the four settings not true (S3 treats an omitted setting as false).
-- Account-level changes are aws.s3.account_public_access_block_removed.
-- Failed calls stay quiet. AWS services are skipped: stacks that deploy
-- website buckets relax the block on purpose, and the public policy or ACL
-- that follows is caught by the high-severity rules whoever sets it.
local aws = require "vigil.aws"
local data = require "vigil.data"

local off = data.public_access_block_off

rule {
  id = "aws.s3.public_access_block_removed",
  title = "S3 bucket Block Public Access removed or weakened",
  severity = "medium",
  description = "A principal deleted a bucket's Block Public Access settings or turned some "
    .. "of them off.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1530", "attack.collection" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "s3.amazonaws.com",
         eventName = { "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and #off(e) > 0
  end,
  output = "{actor} weakened Block Public Access on bucket {requestParameters.bucketName}",
  context = function(e)
    return { turned_off = off(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "S3 Block Public Access is the safety net that overrides public bucket "
      .. "policies and ACLs: BlockPublicAcls and IgnorePublicAcls stop public ACLs, "
      .. "BlockPublicPolicy rejects public policies, RestrictPublicBuckets limits an "
      .. "already public policy to AWS services and your own account. New buckets have "
      .. "all four on. This call removed some or all of them for one bucket (the alert "
      .. "lists which); the account-level block, if set, still applies.",
    risks = {
      "Unauthorized access: this is the step before making a bucket public; the next "
        .. "PutBucketPolicy or PutBucketAcl can expose it.",
      "Defense evasion: a control the organization relies on to prevent data exposure "
        .. "is switched off.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 2.1.5 (S3 Block Public Access "
        .. "at bucket and account level).",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Permissions > Block public access "
        .. "(bucket settings): choose Edit, tick Block all public access, Save changes.",
      "2. On the same tab, check the bucket policy and ACL for public grants made since.",
      "3. S3 > Block Public Access settings for this account: make sure the account-level "
        .. "block is on.",
      "4. If the bucket must be public, record the exception and its owner.",
    },
    cli = {
      "aws s3api get-public-access-block --bucket <bucket>",
      "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
        .. "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,"
        .. "RestrictPublicBuckets=true",
      "aws s3api get-bucket-policy-status --bucket <bucket>",
    },
  },
  tests = {
    { name = "all four settings off", fires = true, event = "samples/put_bucket_pab_off.json",
      alert = { severity = "medium", context = { via_console = false, turned_off = {
        "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
        "RestrictPublicBuckets" } } } },
    { name = "BlockPublicPolicy left out", fires = true,
      event = "samples/put_bucket_pab_policy_only.json",
      alert = { context = { turned_off = { "BlockPublicPolicy" }, via_console = false } } },
    { name = "block deleted", fires = true, event = "samples/delete_bucket_pab.json",
      alert = { context = { turned_off = { "all" }, via_console = false } } },
    { name = "all four on", fires = false, event = "samples/put_bucket_pab_all_on.json" },
    { name = "website stack", fires = false, event = "samples/delete_bucket_pab_cfn.json" },
    { name = "denied call", fires = false, event = "samples/delete_bucket_pab_denied.json" },
    { name = "account level is another rule's", fires = false,
      event = "samples/put_account_pab_off.json" },
  },
}
