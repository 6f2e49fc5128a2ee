-- An RDS instance or Aurora cluster deleted.
--
-- Severity rises to critical when the caller skipped the final snapshot
-- and let the automated backups go with it: nothing is left to restore.
-- CloudFormation deleting a stack's database is quiet (reviewed with the
-- stack); failed calls (AccessDenied, or an instance already being
-- deleted) changed nothing. Turning deletion protection off, the usual step
-- before, is deletion_protection_disabled's.
local aws = require "vigil.aws"

-- No final snapshot, and the automated backups go too (the API's default
-- unless deleteAutomatedBackups is false): nothing is left to restore.
local function no_recovery(e)
  return e["requestParameters.skipFinalSnapshot"] == true
    and e["requestParameters.deleteAutomatedBackups"] ~= false
end

rule {
  id = "aws.rds.instance_deleted",
  title = "RDS database deleted",
  severity = function(e) return no_recovery(e) and "critical" or "medium" end,
  description = "DeleteDBInstance or DeleteDBCluster succeeded; critical when no final snapshot "
    .. "was kept and automated backups were deleted with it.",
  tags = { "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html",
    "https://attack.mitre.org/techniques/T1485/",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "DeleteDBInstance", "DeleteDBCluster" } },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) end,
  output = "{actor} deleted RDS database (instance {requestParameters.dBInstanceIdentifier}, "
    .. "cluster {requestParameters.dBClusterIdentifier}) in {region}; skip final snapshot: "
    .. "{requestParameters.skipFinalSnapshot}",
  context = function(e)
    return { no_recovery_point = no_recovery(e),
             final_snapshot = e["requestParameters.finalDBSnapshotIdentifier"]
               or e["requestParameters.finalDBClusterSnapshotIdentifier"] }
  end,
  runbook = {
    about = "The database (an instance, or an Aurora / Multi-AZ cluster) is being deleted. With "
      .. "skipFinalSnapshot false RDS keeps a final snapshot (context final_snapshot); with "
      .. "deleteAutomatedBackups true the retained automated backups go too. "
      .. "no_recovery_point = true means nothing may be left to restore.",
    risks = {
      "Impact: data destruction and an outage of every application using the database.",
      "Compliance: SOC 2 A1.2 (recovery), AWS Foundational Security Best Practices RDS.8 "
        .. "(deletion protection enabled) was evidently not in force.",
    },
    console = {
      "1. RDS > Snapshots: check whether a final snapshot (context final_snapshot) or "
        .. "retained automated backups exist for the database.",
      "2. If the deletion was not planned: restore from the newest snapshot (Actions > "
        .. "Restore snapshot) or from a retained automated backup (Automated backups > "
        .. "Retained > Restore to point in time).",
      "3. Disable the actor's access keys or sessions until the deletion is explained.",
      "4. Turn on Deletion protection for every production database (Modify > Deletion "
        .. "protection).",
    },
    cli = {
      "aws rds describe-db-snapshots --db-instance-identifier <db>",
      "aws rds describe-db-instance-automated-backups --db-instance-identifier <db>",
      "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <db> "
        .. "--db-snapshot-identifier <snapshot>",
      "aws rds modify-db-instance --db-instance-identifier <db> --deletion-protection "
        .. "--apply-immediately",
    },
  },
  tests = {
    { name = "deleted without final snapshot", fires = true,
      event = "samples/delete_instance_skip_snapshot.json",
      alert = { severity = "critical", context = { no_recovery_point = true } } },
    { name = "deleted with a final snapshot", fires = true,
      event = "samples/delete_instance_final_snapshot.json",
      alert = { severity = "medium", context = { no_recovery_point = false,
                final_snapshot = "staging-db-final-2024-05-21" } } },
    { name = "cluster deleted", fires = true, event = "samples/delete_cluster.json" },
    { name = "final snapshot kept, automated backups deleted", fires = true,
      event = { eventSource = "rds.amazonaws.com", eventName = "DeleteDBInstance",
                eventTime = "2024-05-21T14:09:40Z",
                userIdentity = { type = "IAMUser", userName = "dana",
                                 arn = "arn:aws:iam::111122223333:user/dana" },
                requestParameters = { dBInstanceIdentifier = "staging-db",
                                      skipFinalSnapshot = false,
                                      finalDBSnapshotIdentifier = "staging-db-final",
                                      deleteAutomatedBackups = true } },
      alert = { severity = "medium" } },
    { name = "CloudFormation deleting a stack's cluster", fires = false,
      event = "samples/delete_cluster_cfn.json" },
    { name = "denied", fires = false, event = "samples/delete_instance_denied.json" },
    { name = "already being deleted", fires = false,
      event = "samples/delete_instance_invalid_state.json" },
  },
}
