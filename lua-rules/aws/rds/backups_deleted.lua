-- Automated backups of an RDS database removed: a retained automated backup
-- deleted, or the backup retention period set to 0 (which turns automated
-- backups off and deletes the existing ones).
--
-- Both take away point-in-time recovery, the usual first step before
-- destroying or ransoming a database. AWS services acting for you
-- (CloudFormation applying a template) are quiet: the template is where
-- that change is reviewed. Failed calls and non-zero retention are quiet.
local aws = require "vigil.aws"

local function retention_zero(e)
  return (e.eventName == "ModifyDBInstance" or e.eventName == "ModifyDBCluster")
    and e["requestParameters.backupRetentionPeriod"] == 0
end

rule {
  id = "aws.rds.backups_deleted",
  title = "RDS automated backups deleted or turned off",
  severity = "high",
  description = "An automated backup of an RDS instance or cluster was deleted, or its backup "
    .. "retention was set to 0 days.",
  tags = { "attack.t1490", "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
      .. "API_DeleteDBInstanceAutomatedBackup.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",
    "https://attack.mitre.org/techniques/T1490/",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "DeleteDBInstanceAutomatedBackup", "DeleteDBClusterAutomatedBackup",
                       "ModifyDBInstance", "ModifyDBCluster" } },
  when = function(e)
    if not aws.succeeded(e) or aws.is_aws_service(e) then
      return false
    end
    return e.eventName == "DeleteDBInstanceAutomatedBackup"
      or e.eventName == "DeleteDBClusterAutomatedBackup" or retention_zero(e)
  end,
  output = "{actor} removed automated backups ({eventName}) in {region}",
  context = function(e)
    return { retention_set_to_zero = retention_zero(e),
             database = e["requestParameters.dBInstanceIdentifier"]
               or e["requestParameters.dBClusterIdentifier"]
               or e["responseElements.dBInstanceIdentifier"]
               or e["responseElements.dBClusterIdentifier"],
             resource_id = e["requestParameters.dbiResourceId"]
               or e["requestParameters.dbClusterResourceId"] }
  end,
  runbook = {
    about = "DeleteDBInstanceAutomatedBackup / DeleteDBClusterAutomatedBackup delete the "
      .. "automated backups RDS retained (often of a database already deleted); "
      .. "ModifyDBInstance or ModifyDBCluster with backupRetentionPeriod 0 turns automated "
      .. "backups off and deletes the existing ones. Either way point-in-time recovery for "
      .. "that database is gone.",
    risks = {
      "Impact: without backups, a following deletion, corruption or ransom of the data cannot "
        .. "be undone (inhibit system recovery).",
      "Compliance: AWS Foundational Security Best Practices RDS.11 (automatic backups "
        .. "enabled), SOC 2 A1.2 (backup and recovery), PCI DSS 12.10.1 (incident response "
        .. "with recovery).",
    },
    console = {
      "1. RDS > Databases: open the database, Maintenance & backups tab: check Automated "
        .. "backups and the retention period.",
      "2. Modify: set Backup retention period back to your standard (7 days or more), Apply "
        .. "immediately.",
      "3. Take a manual snapshot now (Actions > Take snapshot) so a recovery point exists.",
      "4. Ask the actor why; if unexplained, look for DeleteDBInstance, DeleteDBSnapshot and "
        .. "permission changes by them in CloudTrail > Event history.",
    },
    cli = {
      "aws rds modify-db-instance --db-instance-identifier <db> --backup-retention-period 7 "
        .. "--apply-immediately",
      "aws rds create-db-snapshot --db-instance-identifier <db> --db-snapshot-identifier "
        .. "<db>-recovery-point",
      "aws rds describe-db-instance-automated-backups --db-instance-identifier <db>",
      "aws backup list-recovery-points-by-resource --resource-arn <db-arn>",
    },
  },
  tests = {
    { name = "automated backup deleted", fires = true,
      event = "samples/delete_instance_automated_backup.json",
      alert = { severity = "high", context = { retention_set_to_zero = false,
        database = "orders-prod", resource_id = "db-7NQ3EXAMPLEBACKUPRES01" } } },
    { name = "cluster automated backup deleted", fires = true,
      event = "samples/delete_cluster_automated_backup.json" },
    { name = "retention set to 0", fires = true,
      event = "samples/modify_instance_retention_zero.json",
      alert = { context = { retention_set_to_zero = true, database = "orders-prod" } } },
    { name = "retention set to 7", fires = false,
      event = "samples/modify_instance_retention_seven.json" },
    { name = "denied deletion", fires = false,
      event = "samples/delete_instance_automated_backup_denied.json" },
    { name = "other modification", fires = false, event = "samples/modify_instance_storage.json" },
    { name = "CloudFormation changing a cluster", fires = false,
      event = "samples/modify_cluster_master_password_cfn.json" },
  },
}
