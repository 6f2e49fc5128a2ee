-- S3 bucket policy allowing everyone ("*") with no condition that scopes who.
--
-- vigil.data.policy_access reads every Allow statement: a wildcard principal
-- ("*", {"AWS": "*"}, or NotPrincipal) counts as public unless a positive
-- condition on a caller-identifying key (source IP, VPC or endpoint,
-- organization, account, principal ARN) with a non-wildcard value narrows
-- it. aws:SecureTransport alone does not. Whether Block Public Access
-- rejects or neutralises the policy is not in the record. Failed calls
-- changed nothing and stay quiet; AWS services are not skipped (a public
-- bucket is public whichever stack made it). Policies that also grant named
-- outside accounts raise this alert only, with the accounts in its context.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function access(e)
  return data.policy_access(e["requestParameters.bucketPolicy"])
end

rule {
  id = "aws.s3.bucket_policy_public",
  title = "S3 bucket policy allows public access",
  severity = "high",
  description = "A bucket policy now allows any principal, with no condition limiting who "
    .. "can use it.",
  tags = { "attack.t1530", "attack.collection", "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
      .. "access-control-block-public-access.html",
    "https://attack.mitre.org/techniques/T1530/",
  },
  on = { eventSource = "s3.amazonaws.com", eventName = "PutBucketPolicy" },
  when = function(e)
    local a = aws.succeeded(e) and access(e)
    return a and a.public or false
  end,
  output = "{actor} put a public bucket policy on {requestParameters.bucketName}",
  context = function(e)
    local a = access(e)
    return { statements = a.sids, other_accounts = data.nonempty(data.foreign_accounts(e, a)),
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "PutBucketPolicy replaces the bucket's resource policy. At least one Allow "
      .. "statement (listed in the alert's context by Sid, or #position) names every "
      .. "principal (\"*\") and has no condition that limits callers to your network, "
      .. "organization or accounts. For the actions it allows, anyone on the internet "
      .. "can now act on the bucket, unless S3 Block Public Access stops it.",
    risks = {
      "Unauthorized access and data loss: objects can be read (or written, deleted) "
        .. "anonymously; public buckets are found by scanners within hours.",
      "Exfiltration: a public policy is a quick way to hand data to an outside party "
        .. "without any credential.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 2.1.5 (S3 Block Public Access) "
        .. "and the PCI DSS access-control requirements (requirement 7).",
    },
    console = {
      "1. S3 > Buckets > the bucket from the alert > Permissions > Bucket policy: choose "
        .. "Edit and remove or scope the statements named in the alert (add a condition "
        .. "such as aws:PrincipalOrgID or aws:SourceVpce), Save changes.",
      "2. If the bucket is not meant to be public: Block public access (bucket settings) "
        .. "> Edit > Block all public access, Save changes.",
      "3. Check S3 server access logs or CloudTrail data events for requests from "
        .. "outside your accounts since the change.",
      "4. If the bucket must be public (a website), move it behind CloudFront with an "
        .. "origin access control instead.",
    },
    cli = {
      "aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text",
      "aws s3api get-bucket-policy-status --bucket <bucket>",
      "aws s3api delete-bucket-policy --bucket <bucket>",
      "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
        .. "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,"
        .. "RestrictPublicBuckets=true",
    },
  },
  tests = {
    { name = "GetObject for everyone", fires = true,
      event = "samples/put_bucket_policy_public.json",
      alert = { severity = "high", context = { statements = { "PublicRead" },
                                               via_console = false } } },
    { name = "AWS \"*\" through CloudFormation still fires", fires = true,
      event = "samples/put_bucket_policy_public_cfn.json" },
    { name = "TLS-only condition does not scope who", fires = true,
      event = "samples/put_bucket_policy_public_tls_only.json" },
    { name = "role name wildcard across all accounts", fires = true,
      event = "samples/put_bucket_policy_org_wildcard_arn.json",
      alert = { context = { statements = { "CiRoles" }, via_console = false } } },
    { name = "Allow with NotPrincipal", fires = true,
      event = "samples/put_bucket_policy_not_principal.json" },
    { name = "public plus an outside account: one alert here", fires = true,
      event = "samples/put_bucket_policy_public_and_foreign.json",
      alert = { context = { statements = { "PublicRead" }, other_accounts = { "444455556666" },
                            via_console = false } } },
    { name = "scoped to a VPC endpoint", fires = false,
      event = "samples/put_bucket_policy_vpce_only.json" },
    { name = "CloudTrail service principal", fires = false,
      event = "samples/put_bucket_policy_cloudtrail_service.json" },
    { name = "another account is bucket_policy_cross_account's", fires = false,
      event = "samples/put_bucket_policy_cross_account.json" },
    { name = "denied call", fires = false,
      event = "samples/put_bucket_policy_public_denied.json" },
  },
}
