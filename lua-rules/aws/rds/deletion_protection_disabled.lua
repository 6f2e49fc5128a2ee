-- Deletion protection turned off on an RDS instance or cluster.
--
-- Deletion protection is what stops a single DeleteDBInstance; turning it
-- off is the step right before a deliberate deletion. CloudFormation doing
-- it while replacing a resource is quiet (the stack change is reviewed);
-- turning it on, and failed calls, are quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.deletion_protection_disabled",
  title = "RDS deletion protection disabled",
  severity = "medium",
  description = "ModifyDBInstance or ModifyDBCluster set deletionProtection to false.",
  tags = { "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
      .. "USER_DeleteInstance.html#USER_DeletionProtection",
    "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "ModifyDBInstance", "ModifyDBCluster" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and e["requestParameters.deletionProtection"] == false
  end,
  output = "{actor} turned off deletion protection on RDS database (instance "
    .. "{requestParameters.dBInstanceIdentifier}, cluster "
    .. "{requestParameters.dBClusterIdentifier})",
  runbook = {
    about = "With deletion protection on, RDS refuses DeleteDBInstance / DeleteDBCluster. This "
      .. "call turned it off, so the database can now be deleted with one more call.",
    risks = {
      "Impact: prepares data destruction; watch for a DeleteDBInstance by the same actor "
        .. "(aws.rds.instance_deleted).",
      "Compliance: AWS Foundational Security Best Practices RDS.7 / RDS.8 (clusters and "
        .. "instances should have deletion protection enabled), SOC 2 A1.2.",
    },
    console = {
      "1. RDS > Databases: open the database, Modify.",
      "2. Under Deletion protection, tick Enable deletion protection; Continue, Apply "
        .. "immediately.",
      "3. Ask the actor whether a deletion is planned and approved.",
    },
    cli = {
      "aws rds modify-db-instance --db-instance-identifier <db> --deletion-protection "
        .. "--apply-immediately",
      "aws rds modify-db-cluster --db-cluster-identifier <cluster> --deletion-protection "
        .. "--apply-immediately",
    },
  },
  tests = {
    { name = "turned off", fires = true,
      event = "samples/modify_instance_deletion_protection_off.json",
      alert = { severity = "medium" } },
    { name = "turned on", fires = false,
      event = "samples/modify_cluster_deletion_protection_on.json" },
    { name = "other modification", fires = false, event = "samples/modify_instance_storage.json" },
    { name = "denied", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "ModifyDBInstance",
                eventTime = "2024-05-21T14:09:40Z", errorCode = "AccessDenied",
                requestParameters = { dBInstanceIdentifier = "orders-prod",
                                      deletionProtection = false } } },
    { name = "CloudFormation", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "ModifyDBInstance",
                eventTime = "2024-05-21T14:09:40Z",
                userIdentity = { type = "AssumedRole",
                                 arn = "arn:aws:sts::111122223333:assumed-role/cfn/x",
                                 invokedBy = "cloudformation.amazonaws.com" },
                requestParameters = { dBInstanceIdentifier = "orders-prod",
                                      deletionProtection = false } } },
  },
}
