-- An RDS snapshot copied into another region.
--
-- CopyDBSnapshot / CopyDBClusterSnapshot run in the destination region; a
-- cross-region copy names the source by ARN (and usually sourceRegion).
-- Copies into a region you do not watch are a way to move data out of
-- sight. AWS Backup copies (cross-region backup plans) act for you and are
-- quiet, so are same-region copies and failed calls.
local aws = require "vigil.aws"
local net = require "vigil.net"

local function source_region(e)
  local p = e.requestParameters
  if p == nil then
    return nil
  end
  return p.sourceRegion or net.arn_region(p.sourceDBSnapshotIdentifier)
    or net.arn_region(p.sourceDBClusterSnapshotIdentifier)
end

rule {
  id = "aws.rds.snapshot_copied_cross_region",
  title = "RDS snapshot copied to another region",
  severity = "medium",
  description = "A principal copied an RDS DB or cluster snapshot from one region into another.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBSnapshot.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "CopyDBSnapshot", "CopyDBClusterSnapshot" } },
  when = function(e)
    local src = source_region(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and src ~= nil
      and src ~= aws.region(e)
  end,
  output = "{actor} copied an RDS snapshot into {region} (snapshot "
    .. "{requestParameters.sourceDBSnapshotIdentifier}, cluster snapshot "
    .. "{requestParameters.sourceDBClusterSnapshotIdentifier})",
  context = function(e) return { source_region = source_region(e) } end,
  runbook = {
    about = "The copy lands in the region of the record (awsRegion); the source region is in "
      .. "the source snapshot's ARN. The copy is a full database image, encrypted with the "
      .. "key named in the call (or unencrypted if the source was).",
    risks = {
      "Exfiltration and evasion: data moved to a region where you have no monitoring, from "
        .. "where it can be shared or restored unnoticed.",
      "Compliance: data residency (GDPR Art. 44 transfers, local regulation), SOC 2 CC6.1.",
    },
    console = {
      "1. Switch to the destination region (alert's region), RDS > Snapshots: find the copy.",
      "2. If not approved: check it is not shared (Actions > Share snapshot), then delete it.",
      "3. Consider an SCP that denies RDS in regions you do not use.",
    },
    cli = {
      "aws rds describe-db-snapshots --region <region> --db-snapshot-identifier <copy>",
      "aws rds describe-db-snapshot-attributes --region <region> --db-snapshot-identifier <copy>",
      "aws rds delete-db-snapshot --region <region> --db-snapshot-identifier <copy>",
    },
  },
  tests = {
    { name = "copied to another region", fires = true,
      event = "samples/copy_snapshot_cross_region.json",
      alert = { severity = "medium", context = { source_region = "us-east-1" } } },
    { name = "cluster copy named by ARN only", fires = true,
      event = "samples/copy_cluster_snapshot_cross_region_arn_only.json" },
    { name = "same region", fires = false, event = "samples/copy_snapshot_same_region.json" },
    { name = "denied", fires = false, event = "samples/copy_snapshot_cross_region_denied.json" },
    { name = "AWS Backup cross-region plan", fires = false,
      event = "samples/copy_snapshot_cross_region_backup.json" },
  },
}
