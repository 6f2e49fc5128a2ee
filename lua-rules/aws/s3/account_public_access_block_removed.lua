-- S3 Block Public Access removed or weakened for the whole account.
--
-- DeleteAccountPublicAccessBlock, or PutAccountPublicAccessBlock with any of
-- the four settings not true. Fires for AWS services too: the account-wide
-- block protects every bucket, so a stack that lifts it deserves the same
-- look. Failed calls stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

local off = data.public_access_block_off

rule {
  id = "aws.s3.account_public_access_block_removed",
  title = "S3 account-level Block Public Access removed or weakened",
  severity = "high",
  description = "A principal deleted the account's S3 Block Public Access settings or turned "
    .. "some of them off, for every bucket at once.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1530", "attack.collection" },
  references = {
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DeletePublicAccessBlock.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "s3.amazonaws.com",
         eventName = { "PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock" } },
  when = function(e)
    return aws.succeeded(e) and #off(e) > 0
  end,
  output = "{actor} weakened S3 Block Public Access for account {account}",
  context = function(e)
    return { turned_off = off(e), via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "The account-level Block Public Access settings apply to every bucket in the "
      .. "account, current and future, whatever each bucket's own settings say. With all "
      .. "four on, no bucket can be made public by policy or ACL. This call removed some "
      .. "or all of them (the alert lists which), so each bucket is now protected only by "
      .. "its own settings.",
    risks = {
      "Unauthorized access: any bucket without its own block can now be made public in "
        .. "one call, and buckets whose public policies were neutralised may become "
        .. "reachable at once (RestrictPublicBuckets).",
      "Defense evasion: the account-wide guardrail against data exposure is gone.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 2.1.5 (S3 Block Public Access "
        .. "at bucket and account level).",
    },
    console = {
      "1. S3 > Block Public Access settings for this account: choose Edit, tick Block "
        .. "all public access, Save changes and confirm.",
      "2. S3 > Buckets: sort by the Access column and check for buckets shown as Public.",
      "3. IAM Access Analyzer (if enabled): review Active findings for public buckets.",
      "4. CloudTrail > Event history: review the actor's S3 policy and ACL changes since.",
    },
    cli = {
      "aws s3control get-public-access-block --account-id <account-id>",
      "aws s3control put-public-access-block --account-id <account-id> "
        .. "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
        .. "BlockPublicPolicy=true,RestrictPublicBuckets=true",
    },
  },
  tests = {
    { name = "policy settings off", fires = true, event = "samples/put_account_pab_off.json",
      alert = { severity = "high", context = { via_console = false,
        turned_off = { "BlockPublicPolicy", "RestrictPublicBuckets" } } } },
    { name = "account block deleted", fires = true, event = "samples/delete_account_pab.json",
      alert = { context = { turned_off = { "all" }, via_console = false } } },
    { name = "deleted by a stack still fires", fires = true,
      event = "samples/delete_account_pab_cfn.json" },
    { name = "all four on", fires = false, event = "samples/put_account_pab_all_on.json" },
    { name = "denied call", fires = false, event = "samples/delete_account_pab_denied.json" },
  },
}
