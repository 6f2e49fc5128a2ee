-- IAM Access Analyzer archive rule created or changed.
--
-- An archive rule archives matching findings on arrival; it is the intended
-- way to accept known sharing (a trusted log-archive account), so this is
-- low severity, with the filter in the alert for review. Failed calls and AWS
-- services (rules kept in infrastructure code) stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.accessanalyzer.archive_rule_created",
  title = "IAM Access Analyzer archive rule created or changed",
  severity = "low",
  description = "A principal created or changed an Access Analyzer archive rule, which "
    .. "archives matching external-access findings automatically.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CreateArchiveRule.html",
    "https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_UpdateArchiveRule.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "access-analyzer.amazonaws.com",
         eventName = { "CreateArchiveRule", "UpdateArchiveRule" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} set archive rule {requestParameters.ruleName} on analyzer "
    .. "{requestParameters.analyzerName} in {region}",
  context = function(e)
    local f = e["requestParameters.filter"]
    return { filter = f and tostring(f) or nil, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Access Analyzer findings report resources reachable from outside the zone of "
      .. "trust. An archive rule archives every current and future finding that matches "
      .. "its filter, so nobody reviews them. Narrow rules (one trusted account, one "
      .. "bucket) are normal; broad ones (all public resources, a whole resource type) "
      .. "hide exposure. The alert's context holds the filter.",
    risks = {
      "Defense evasion: a filter matching public or cross-account access hides the "
        .. "findings an intruder's backdoor policies would raise.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.20 (IAM Access Analyzer enabled) "
        .. "is met only on paper when its findings are archived unseen; SOC 2 CC7.2.",
    },
    console = {
      "1. IAM > Access analyzer > Archive rules: open the rule from the alert and read "
        .. "its criteria.",
      "2. If it is broader than an agreed exception, choose Delete.",
      "3. Findings > Archived: review what it has archived so far.",
    },
    cli = {
      "aws accessanalyzer get-archive-rule --analyzer-name <analyzer> --rule-name <rule>",
      "aws accessanalyzer delete-archive-rule --analyzer-name <analyzer> --rule-name <rule>",
      "aws accessanalyzer list-findings-v2 --analyzer-arn <analyzer-arn> --filter "
        .. "'{\"status\":{\"eq\":[\"ARCHIVED\"]}}'",
    },
  },
  tests = {
    { name = "rule archiving public bucket findings", fires = true,
      event = "samples/create_archive_rule.json",
      alert = { severity = "low", context = { via_console = false,
        filter = "{\"isPublic\":{\"eq\":[\"true\"]},"
          .. "\"resourceType\":{\"eq\":[\"AWS::S3::Bucket\"]}}" } } },
    { name = "rule kept in infrastructure code", fires = false,
      event = "samples/create_archive_rule_cfn.json" },
    { name = "denied call", fires = false, event = "samples/create_archive_rule_denied.json" },
  },
}
