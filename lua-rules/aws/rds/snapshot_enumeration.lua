-- Public or shared RDS snapshots listed.
--
-- DescribeDBSnapshots / DescribeDBClusterSnapshots with includePublic or
-- includeShared true list snapshots other accounts made visible: how
-- attackers look for databases to restore (and how they check what your
-- account can see before sharing more). The console sends both flags as
-- false on every page load, so ordinary browsing is quiet; so are failed
-- calls and AWS services.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.snapshot_enumeration",
  title = "Public or shared RDS snapshots listed",
  severity = "low",
  description = "A principal listed RDS snapshots including public or shared ones.",
  tags = { "attack.t1580", "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBSnapshots.html",
    "https://attack.mitre.org/techniques/T1580/",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "DescribeDBSnapshots", "DescribeDBClusterSnapshots" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and (e["requestParameters.includePublic"] == true
        or e["requestParameters.includeShared"] == true)
  end,
  dedup = { window = "1h" },
  output = "{actor} listed public/shared RDS snapshots in {region} (includePublic "
    .. "{requestParameters.includePublic}, includeShared {requestParameters.includeShared})",
  runbook = {
    about = "The call asked RDS to include snapshots that other accounts shared with this one "
      .. "(includeShared) or made public (includePublic). One alert per caller per hour.",
    risks = {
      "Discovery: looking for data to restore; from a compromised key it shows intent to "
        .. "find databases.",
      "Compliance: SOC 2 CC7.2 (monitoring of anomalous activity).",
    },
    console = {
      "1. Ask the actor whether they were looking for a shared snapshot.",
      "2. If the caller is not a DBA: review what else they called in CloudTrail > Event "
        .. "history (filter User name) and restrict rds:Describe* where it is not needed.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws rds describe-db-snapshots --snapshot-type shared",
    },
  },
  tests = {
    { name = "public listed", fires = true, event = "samples/describe_snapshots_public.json",
      alert = { severity = "low" } },
    { name = "shared cluster snapshots listed", fires = true,
      event = "samples/describe_cluster_snapshots_shared.json" },
    { name = "own snapshots", fires = false, event = "samples/describe_snapshots_own.json" },
    { name = "denied", fires = false, event = "samples/describe_snapshots_public_denied.json" },
    { name = "AWS Backup listing shared snapshots", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "DescribeDBSnapshots",
                eventTime = "2024-05-21T14:09:40Z",
                userIdentity = { type = "AssumedRole",
                                 arn = "arn:aws:sts::111122223333:assumed-role/AWSBackup/b",
                                 invokedBy = "backup.amazonaws.com" },
                requestParameters = { includeShared = true } } },
    { name = "twice within the hour: one alert", fires = false, alerts = 1,
      events = { "samples/describe_snapshots_public.json",
                 "samples/describe_snapshots_public.json" } },
  },
}
