-- A manual RDS snapshot taken by a person or workload (low).
--
-- A manual snapshot is the first step of the classic database theft: take
-- a snapshot, share it or copy it out (Stratus Red Team
-- aws.exfiltration.rds-share-snapshot). Alone it is routine for DBAs before
-- a change, hence low, one alert per caller per hour. Automated and AWS
-- Backup snapshots, AWS services and failed calls are quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.manual_snapshot_created",
  title = "Manual RDS snapshot created",
  severity = "low",
  description = "CreateDBSnapshot or CreateDBClusterSnapshot made a manual snapshot.",
  tags = { "attack.t1537", "attack.exfiltration", "attack.collection" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "CreateDBSnapshot", "CreateDBClusterSnapshot" } },
  when = function(e)
    local kind = e["responseElements.snapshotType"]
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and (kind == nil or kind == "manual" or kind == "public")
  end,
  dedup = { window = "1h" },
  output = "{actor} took a manual RDS snapshot in {region} (snapshot "
    .. "{requestParameters.dBSnapshotIdentifier}, cluster snapshot "
    .. "{requestParameters.dBClusterSnapshotIdentifier})",
  runbook = {
    about = "A manual snapshot stays until someone deletes it and, unlike automated ones, "
      .. "can be shared with other accounts or made public.",
    risks = {
      "Exfiltration: the snapshot can next be shared (aws.rds.snapshot_shared_cross_account), "
        .. "copied to another region or exported to S3.",
      "Compliance: SOC 2 CC6.1 / PCI DSS 3.1 (data retention: copies of data kept outside "
        .. "the retention policy).",
    },
    console = {
      "1. RDS > Snapshots > Manual: open the snapshot, check Encryption and its sharing "
        .. "(Actions > Share snapshot).",
      "2. Ask the actor why it was taken; delete it if it has no purpose.",
    },
    cli = {
      "aws rds describe-db-snapshot-attributes --db-snapshot-identifier <snapshot>",
      "aws rds delete-db-snapshot --db-snapshot-identifier <snapshot>",
    },
  },
  tests = {
    { name = "manual snapshot", fires = true, event = "samples/create_snapshot_manual.json",
      alert = { severity = "low" } },
    { name = "cluster snapshot", fires = true,
      event = "samples/create_cluster_snapshot_manual.json" },
    { name = "AWS Backup", fires = false, event = "samples/create_snapshot_backup.json" },
    { name = "denied", fires = false, event = "samples/create_snapshot_denied.json" },
  },
}
