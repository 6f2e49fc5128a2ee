-- An RDS database restored (from a snapshot or to a point in time) as
-- publicly accessible.
--
-- A restore creates a new database with the snapshot's data and the
-- master password the caller may then reset: restoring it public is how a
-- copy of production ends up reachable from the internet. Public-ness is
-- read from the request or, when the request leaves it to the default, the
-- response. Private restores, AWS services and failed calls are quiet.
local aws = require "vigil.aws"

local function public(e)
  local req = e["requestParameters.publiclyAccessible"]
  if req ~= nil then
    return req == true
  end
  return e["responseElements.publiclyAccessible"] == true
end

rule {
  id = "aws.rds.public_restore",
  title = "RDS database restored as publicly accessible",
  severity = "high",
  description = "A restore created a new RDS database with a public endpoint.",
  tags = { "attack.t1020", "attack.exfiltration", "attack.t1578.002", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
      .. "API_RestoreDBInstanceFromDBSnapshot.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
      .. "API_RestoreDBInstanceToPointInTime.html",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceToPointInTime",
                       "RestoreDBInstanceFromS3", "RestoreDBClusterFromSnapshot",
                       "RestoreDBClusterToPointInTime" } },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) and public(e) end,
  output = "{actor} restored a public RDS database {responseElements.dBInstanceIdentifier} "
    .. "({eventName}) in {region}",
  context = function(e)
    return { snapshot = e["requestParameters.dBSnapshotIdentifier"]
               or e["requestParameters.snapshotIdentifier"],
             source = e["requestParameters.sourceDBInstanceIdentifier"] }
  end,
  runbook = {
    about = "A new database was created from a snapshot, an S3 backup or another database's "
      .. "history, with publiclyAccessible true. It holds a copy of the source data; the "
      .. "caller can reset its master password at will.",
    risks = {
      "Exfiltration: restore a copy, make it public, reset its password, dump it from "
        .. "outside; the production database's own controls do not apply to the copy.",
      "Compliance: AWS Foundational Security Best Practices RDS.2 (no public access), "
        .. "PCI DSS 1.3.1, SOC 2 CC6.6.",
    },
    console = {
      "1. RDS > Databases: open the new database (alert's message), Modify, set Public access "
        .. "to Not publicly accessible, Apply immediately.",
      "2. Ask the actor why it was restored; if not approved, take a final snapshot for "
        .. "evidence and delete it.",
      "3. Review its security groups and the source snapshot's sharing.",
    },
    cli = {
      "aws rds modify-db-instance --db-instance-identifier <new-db> --no-publicly-accessible "
        .. "--apply-immediately",
      "aws rds delete-db-instance --db-instance-identifier <new-db> "
        .. "--final-db-snapshot-identifier <new-db>-evidence",
    },
  },
  tests = {
    { name = "restored public", fires = true, event = "samples/restore_public.json",
      alert = { severity = "high", context = { snapshot = "orders-prod-2024-05-21" } } },
    { name = "public from the response", fires = true,
      event = "samples/restore_public_response_only.json" },
    { name = "restored private", fires = false, event = "samples/restore_private.json" },
    { name = "denied", fires = false, event = "samples/restore_public_denied.json" },
    { name = "a new database is not a restore", fires = false,
      event = "samples/create_instance_public.json" },
    { name = "CloudFormation restoring from a template", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "RestoreDBInstanceFromDBSnapshot",
                eventTime = "2024-05-21T14:09:40Z",
                userIdentity = { type = "AssumedRole",
                                 arn = "arn:aws:sts::111122223333:assumed-role/cfn/x",
                                 invokedBy = "cloudformation.amazonaws.com" },
                requestParameters = { dBInstanceIdentifier = "qa-copy",
                                      publiclyAccessible = true } } },
  },
}
