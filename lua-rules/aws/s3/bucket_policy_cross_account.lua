-- S3 bucket policy granting access to an AWS account other than the site's.
--
-- "Other" means not the account the record was delivered for, not the
-- caller's, and not listed in vigil.data.trusted_accounts (add your
-- organization's accounts there). Public policies are
-- aws.s3.bucket_policy_public's and stay quiet here, so each call raises one
-- alert. Failed calls stay quiet. AWS services are skipped: cross-account
-- grants deployed by stacks (log archives, replication targets) are reviewed
-- with the stack.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function others(e)
  local a = data.policy_access(e["requestParameters.bucketPolicy"])
  if not a or a.public then
    return {}
  end
  return data.foreign_accounts(e, a)
end

rule {
  id = "aws.s3.bucket_policy_cross_account",
  title = "S3 bucket policy grants another AWS account",
  severity = "medium",
  description = "A bucket policy now grants access to principals in an AWS account outside "
    .. "your own and your trusted accounts.",
  tags = { "attack.t1537", "attack.exfiltration", "attack.t1098", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
      .. "example-walkthroughs-managing-access-example2.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "PutBucketPolicy" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and #others(e) > 0
  end,
  output = "{actor} granted account(s) outside yours access to bucket "
    .. "{requestParameters.bucketName}",
  context = function(e)
    return { other_accounts = others(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A bucket policy can name principals in other AWS accounts (their root, or a "
      .. "role or user in them). Those principals then reach the bucket with their own "
      .. "credentials, and their requests are logged in their account, not only yours. "
      .. "The alert lists the account ids that are neither yours nor in "
      .. "vigil.data.trusted_accounts.",
    risks = {
      "Exfiltration (transfer data to cloud account): an attacker grants their own "
        .. "account read access and copies the data at leisure, even after their access "
        .. "to your account is revoked.",
      "Persistence: the grant survives credential rotation in your account.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 4.8 (alarm on S3 bucket policy "
        .. "changes), SOC 2 CC6.7.",
    },
    console = {
      "1. S3 > Buckets > the bucket > Permissions > Bucket policy: find the statements "
        .. "naming the accounts from the alert.",
      "2. Check each account id against your organization (AWS Organizations > AWS "
        .. "accounts) and your list of partners.",
      "3. If it is unknown, remove the statement (Edit, Save changes) and review "
        .. "CloudTrail data events for requests from that account.",
      "4. If it is a known account, add it to vigil.data.trusted_accounts so it stops "
        .. "alerting.",
    },
    cli = {
      "aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text",
      "aws organizations describe-account --account-id <account-id>",
      "aws s3api put-bucket-policy --bucket <bucket> --policy file://<fixed-policy.json>",
    },
  },
  tests = {
    { name = "another account's root", fires = true,
      event = "samples/put_bucket_policy_cross_account.json",
      alert = { severity = "medium", context = { other_accounts = { "444455556666" },
                                                 via_console = false } } },
    { name = "a role in this account", fires = false,
      event = "samples/put_bucket_policy_own_account.json" },
    { name = "CloudFormation log-archive grant", fires = false,
      event = "samples/put_bucket_policy_cross_account_cfn.json" },
    { name = "public policy is bucket_policy_public's", fires = false,
      event = "samples/put_bucket_policy_public_and_foreign.json" },
    { name = "CloudTrail service principal", fires = false,
      event = "samples/put_bucket_policy_cloudtrail_service.json" },
    { name = "denied call changed nothing", fires = false,
      event = "samples/put_bucket_policy_cross_account_denied.json" },
  },
}
