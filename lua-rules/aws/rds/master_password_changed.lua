-- The master user password of an RDS instance or cluster changed.
--
-- The master user owns the database: whoever sets its password can log in
-- as it, read everything and create users of their own. Fires on a new
-- password given in the call (masterUserPassword, which CloudTrail masks);
-- switching to Secrets Manager-managed passwords (manageMasterUserPassword)
-- and password rotation by Secrets Manager are not this call. CloudFormation
-- setting it from a template and failed calls are quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.master_password_changed",
  title = "RDS master user password changed",
  severity = "medium",
  description = "ModifyDBInstance or ModifyDBCluster set a new master user password.",
  tags = { "attack.t1098", "attack.persistence", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ResetPassword.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "ModifyDBInstance", "ModifyDBCluster" } },
  when = function(e)
    local pw = e["requestParameters.masterUserPassword"]
    return aws.succeeded(e) and not aws.is_aws_service(e) and type(pw) == "string" and pw ~= ""
  end,
  output = "{actor} changed the master password of RDS database (instance "
    .. "{requestParameters.dBInstanceIdentifier}, cluster "
    .. "{requestParameters.dBClusterIdentifier})",
  context = function(e) return { via_console = aws.is_console(e) } end,
  runbook = {
    about = "The call carried masterUserPassword (masked in CloudTrail): the database's master "
      .. "user, which holds every privilege inside the engine, now has a password the caller "
      .. "chose. Applications using the old password start failing once it applies.",
    risks = {
      "Unauthorized access: anyone with rds:ModifyDBInstance can take over the database "
        .. "without knowing any database credential.",
      "Persistence: the attacker can create database users that survive a later reset.",
      "Compliance: PCI DSS 8.3 / 8.6 (management of privileged credentials), SOC 2 CC6.1.",
    },
    console = {
      "1. Ask the actor (alert's actor) whether the reset was planned.",
      "2. If not: RDS > Databases > the database > Modify, set a new master password (or "
        .. "choose Manage master credentials in AWS Secrets Manager), Apply immediately.",
      "3. Connect as the master user and list database users and grants; drop any you do "
        .. "not know.",
      "4. Restrict rds:ModifyDBInstance in IAM to your database administrators.",
    },
    cli = {
      "aws rds modify-db-instance --db-instance-identifier <db> --manage-master-user-password "
        .. "--apply-immediately",
      "aws rds modify-db-cluster --db-cluster-identifier <cluster> "
        .. "--master-user-password <new-password> --apply-immediately",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<db>",
    },
  },
  tests = {
    { name = "master password set", fires = true,
      event = "samples/modify_instance_master_password.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "denied", fires = false,
      event = "samples/modify_instance_master_password_denied.json" },
    { name = "CloudFormation from a template", fires = false,
      event = "samples/modify_cluster_master_password_cfn.json" },
    { name = "moved to Secrets Manager", fires = false,
      event = "samples/modify_instance_manage_master_secret.json" },
    { name = "other modification", fires = false, event = "samples/modify_instance_storage.json" },
  },
}
