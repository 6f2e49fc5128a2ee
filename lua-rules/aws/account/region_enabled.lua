-- An opt-in AWS region enabled for the account.
--
-- Regions launched after March 2019 are off until someone enables them.
-- Enabling one opens a place where your alarms, Config rules and GuardDuty
-- detectors may not be set up, which is why intruders do it before running
-- resources there. The call is logged by the Account Management service
-- (account.amazonaws.com). Fires whoever made it (AWS does not enable
-- regions for you); a failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.account.region_enabled",
  title = "Opt-in AWS region enabled",
  severity = "medium",
  description = "A principal enabled an opt-in AWS region for the account.",
  tags = { "attack.t1535", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/accounts/latest/reference/API_EnableRegion.html",
    "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html",
    "https://attack.mitre.org/techniques/T1535/",
  },
  on = { eventSource = "account.amazonaws.com", eventName = "EnableRegion" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} enabled region {requestParameters.RegionName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             target_account = e["requestParameters.AccountId"] }
  end,
  runbook = {
    about = "EnableRegion turns on an opt-in region (for example ap-east-1, me-south-1, "
      .. "af-south-1) for the account, or for a member account when called from the "
      .. "management account (context target_account). Resources can be created there "
      .. "once the status reaches ENABLED, usually within minutes.",
    risks = {
      "Defense evasion through an unused region: detection and alarms that were set up "
        .. "per region do not cover the new one.",
      "Resource hijacking: mining instances in a region nobody looks at.",
      "SCPs that limit regions (aws:RequestedRegion) are the usual guardrail; if this "
        .. "call succeeded, none applies to this account.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.1 (CloudTrail in all regions) and"
        .. " 3.5 (AWS Config in all regions) must now cover the new region too; SOC 2 CC7.1.",
    },
    console = {
      "1. Account (top-right menu) > AWS Regions: confirm the region shows Enabled.",
      "2. Ask the actor why the region is needed.",
      "3. If it is not: choose Disable for that region (resources there are not deleted; "
        .. "check first with the EC2 global view or Resource Explorer).",
      "4. Make sure GuardDuty, Config and CloudTrail cover it if it stays enabled.",
    },
    cli = {
      "aws account get-region-opt-status --region-name <region>",
      "aws account list-regions --region-opt-status-contains ENABLED ENABLING",
      "aws account disable-region --region-name <region>",
      "aws ec2 describe-instances --region <region>",
    },
  },
  tests = {
    { name = "ap-east-1 enabled in the console", fires = true, event = "samples/enable_region.json",
      alert = { context = { via_console = true, root = false } } },
    { name = "denied call", fires = false, event = "samples/enable_region_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/enable_region_cfn.json" },
  },
}
