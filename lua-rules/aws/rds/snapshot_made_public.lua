-- An RDS DB snapshot or cluster snapshot made public ("restore" shared
-- with "all").
--
-- Any AWS account can then restore the snapshot into a database of its own:
-- a full copy of the data. Fires whoever made the call, AWS services
-- included: nothing has a reason to publish a database. Sharing with named
-- accounts is snapshot_shared_cross_account's; removals and failed calls are
-- quiet. AWS refuses to publish encrypted snapshots, so a public one is
-- always readable.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.rds.snapshot_made_public",
  title = "RDS snapshot made public",
  severity = "critical",
  description = "ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute added \"all\" "
    .. "to a snapshot's restore attribute: every AWS account can restore it.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSnapshotAttribute.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute" } },
  when = function(e) return aws.succeeded(e) and net.rds_added_grantees(e).public end,
  output = "{actor} made an RDS snapshot public in {region} (snapshot "
    .. "{requestParameters.dBSnapshotIdentifier}, cluster snapshot "
    .. "{requestParameters.dBClusterSnapshotIdentifier})",
  context = function(e)
    return { snapshot = e["requestParameters.dBSnapshotIdentifier"]
               or e["requestParameters.dBClusterSnapshotIdentifier"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "The snapshot's restore attribute now includes \"all\": it is listed among public "
      .. "snapshots in the region and any AWS account can restore it into a database it "
      .. "controls, with every table and the password hashes of database users.",
    risks = {
      "Data exposure and exfiltration: the whole database can be copied by anyone; public "
        .. "snapshots are searched for by automated tools within hours.",
      "Credential access: database user hashes and secrets stored in tables leave with it.",
      "Compliance: AWS Foundational Security Best Practices RDS.1 (RDS snapshots should be "
        .. "private), PCI DSS 3.4 / 7.1 (restrict access to cardholder data), SOC 2 CC6.1.",
    },
    console = {
      "1. RDS > Snapshots (or Manual snapshots): select the snapshot from the alert, Actions > "
        .. "Share snapshot.",
      "2. Set DB snapshot visibility to Private and remove any account you do not know; Save.",
      "3. Treat the data as exposed for the time it was public: rotate database passwords and "
        .. "secrets stored in it, and tell your data protection officer if personal data was "
        .. "inside.",
      "4. CloudTrail > Event history: filter by the actor and review CreateDBSnapshot, "
        .. "CopyDBSnapshot and other sharing calls around the alert.",
    },
    cli = {
      "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot> "
        .. "--attribute-name restore --values-to-remove all",
      "aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier "
        .. "<snapshot> --attribute-name restore --values-to-remove all",
      "aws rds describe-db-snapshot-attributes --db-snapshot-identifier <snapshot>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<snapshot>",
    },
  },
  tests = {
    { name = "shared with all", fires = true, event = "samples/snapshot_share_public.json",
      alert = { severity = "critical", context = { snapshot = "orders-prod-2024-05-21",
                                                   via_console = false } } },
    { name = "cluster snapshot shared with all", fires = true,
      event = "samples/cluster_snapshot_share_public.json" },
    { name = "shared with one account is the cross-account rule", fires = false,
      event = "samples/snapshot_share_account.json" },
    { name = "public removed", fires = false, event = "samples/snapshot_unshare.json" },
    { name = "denied", fires = false, event = "samples/snapshot_share_public_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/snapshot_share_public_cfn.json" },
  },
}
