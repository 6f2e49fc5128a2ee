-- An RDS snapshot shared with another AWS account.
--
-- valuesToAdd on the restore attribute names account ids that may restore
-- it; the record's own account and accounts listed in vigil.net
-- trusted_accounts (your backup or DR accounts) are not "another". AWS
-- Backup copying to a vault account does it on your behalf and is quiet;
-- so are removals and failed calls. "all" is snapshot_made_public's.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.rds.snapshot_shared_cross_account",
  title = "RDS snapshot shared with another account",
  severity = "high",
  description = "A principal let an AWS account that is not yours restore an RDS snapshot.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSnapshotAttribute.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and #net.rds_added_grantees(e).accounts > 0
  end,
  output = "{actor} shared an RDS snapshot with {requestParameters.valuesToAdd} (snapshot "
    .. "{requestParameters.dBSnapshotIdentifier}, cluster snapshot "
    .. "{requestParameters.dBClusterSnapshotIdentifier})",
  context = function(e)
    return { accounts = table.concat(net.rds_added_grantees(e).accounts, ","),
             public_too = net.rds_added_grantees(e).public }
  end,
  runbook = {
    about = "ModifyDBSnapshotAttribute (or the cluster variant) added account ids to the "
      .. "snapshot's restore attribute. Each named account can copy the snapshot and restore a "
      .. "full database from it. Unencrypted snapshots, or ones encrypted with a key the "
      .. "other account may use, are readable there.",
    risks = {
      "Exfiltration: sharing a snapshot with an attacker-owned account is a quiet way to take "
        .. "a whole database (Stratus Red Team technique aws.exfiltration.rds-share-snapshot).",
      "Data exposure: the copy in the other account is outside your control and your logs.",
      "Compliance: AWS Foundational Security Best Practices RDS.1 (snapshots private), "
        .. "PCI DSS 7.1, SOC 2 CC6.1 (logical access restricted to authorized parties).",
    },
    console = {
      "1. RDS > Snapshots: select the snapshot, Actions > Share snapshot.",
      "2. Remove the account ids you do not recognise from the list and Save.",
      "3. Check with your cloud team whether the account is yours (AWS Organizations > AWS "
        .. "accounts); if it is, add it to vigil.net trusted_accounts.",
      "4. If not: treat the data as copied, rotate database credentials, and review the "
        .. "actor's other calls in CloudTrail > Event history.",
    },
    cli = {
      "aws rds describe-db-snapshot-attributes --db-snapshot-identifier <snapshot>",
      "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot> "
        .. "--attribute-name restore --values-to-remove <account-id>",
      "aws organizations describe-account --account-id <account-id>",
    },
  },
  tests = {
    { name = "shared with an unknown account", fires = true,
      event = "samples/snapshot_share_account.json",
      alert = { severity = "high", context = { accounts = "444455556666", public_too = false } } },
    { name = "shared with its own account", fires = false,
      event = "samples/snapshot_share_own_account.json" },
    { name = "AWS Backup sharing for a vault copy", fires = false,
      event = "samples/snapshot_share_account_backup.json" },
    { name = "public is the other rule", fires = false,
      event = "samples/snapshot_share_public.json" },
    { name = "removal", fires = false, event = "samples/snapshot_unshare.json" },
    { name = "denied", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "ModifyDBSnapshotAttribute",
                eventTime = "2024-05-21T14:09:40Z", errorCode = "AccessDenied",
                recipientAccountId = "111122223333",
                requestParameters = { dBSnapshotIdentifier = "orders-prod-2024-05-21",
                                      attributeName = "restore",
                                      valuesToAdd = { "444455556666" } } } },
  },
}
