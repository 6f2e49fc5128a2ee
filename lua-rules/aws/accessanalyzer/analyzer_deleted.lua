-- IAM Access Analyzer analyzer deleted.
--
-- Failed calls stay quiet. AWS services are skipped: stacks that create a
-- temporary analyzer (sandbox accounts, test stacks) delete it on teardown,
-- and the organization's main analyzer is normally managed by hand or by a
-- pipeline whose changes are reviewed.
local aws = require "vigil.aws"

rule {
  id = "aws.accessanalyzer.analyzer_deleted",
  title = "IAM Access Analyzer analyzer deleted",
  severity = "medium",
  description = "A principal deleted an IAM Access Analyzer analyzer; resources shared "
    .. "outside the account or organization are no longer reported.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_DeleteAnalyzer.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "access-analyzer.amazonaws.com", eventName = "DeleteAnalyzer" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted IAM Access Analyzer analyzer {requestParameters.analyzerName} "
    .. "in {region}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "An Access Analyzer analyzer reads the resource policies in a region (S3 "
      .. "buckets, KMS keys, IAM role trust policies, Secrets Manager secrets, SQS, "
      .. "Lambda, snapshots) and raises a finding for each resource that someone outside "
      .. "the account or organization can reach. DeleteAnalyzer removes it with all its "
      .. "findings and archive rules.",
    risks = {
      "Defense evasion: a bucket, key or role later opened to an outside account raises "
        .. "no finding; this is the usual step before a cross-account backdoor.",
      "Existing findings, possibly describing access already granted, are deleted.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.20 (IAM Access Analyzer "
        .. "enabled in all regions).",
    },
    console = {
      "1. IAM > Access analyzer (in the region from the alert) > Analyzer settings: "
        .. "choose Create analyzer, with the organization (or account) as zone of trust.",
      "2. Wait for the first scan, then review Active findings for resources shared "
        .. "outside the zone of trust.",
      "3. CloudTrail > Event history: filter on User name = the actor and look for policy "
        .. "changes (PutBucketPolicy, PutKeyPolicy, UpdateAssumeRolePolicy) after the "
        .. "delete.",
    },
    cli = {
      "aws accessanalyzer list-analyzers --region <region>",
      "aws accessanalyzer create-analyzer --analyzer-name <name> --type ORGANIZATION "
        .. "--region <region>",
      "aws accessanalyzer list-findings-v2 --analyzer-arn <analyzer-arn> --region <region>",
    },
  },
  tests = {
    { name = "analyzer deleted", fires = true, event = "samples/delete_analyzer.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "stack teardown", fires = false, event = "samples/delete_analyzer_cfn.json" },
    { name = "denied call", fires = false, event = "samples/delete_analyzer_denied.json" },
  },
}
