-- An RDS instance or Aurora cluster set to publicly accessible.
--
-- publiclyAccessible = true gives the database endpoint a public DNS answer
-- and address; only its security groups then stand between the database and
-- the internet. Fires whoever made the change, CloudFormation included (a
-- template can expose a database as well as a person can; context names the
-- service). Making it private, other modifications and failed calls are quiet.
-- A database created public (CreateDBInstance) is not covered here: creation
-- is reviewed with the stack that makes it; restores are public_restore's.
-- The CLI has no modify-db-cluster --no-publicly-accessible (the RDS API
-- model has no such ModifyDBCluster parameter): the runbook lists the
-- cluster's instances to make each private with modify-db-instance.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.instance_made_public",
  title = "RDS database made publicly accessible",
  severity = "high",
  description = "ModifyDBInstance or ModifyDBCluster turned on publiclyAccessible, giving the "
    .. "database an internet-reachable endpoint.",
  tags = { "attack.t1133", "attack.initial_access", "attack.t1562.007",
           "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
      .. "USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "ModifyDBInstance", "ModifyDBCluster" } },
  when = function(e)
    return aws.succeeded(e) and e["requestParameters.publiclyAccessible"] == true
  end,
  output = "{actor} made an RDS database publicly accessible in {region} (instance "
    .. "{requestParameters.dBInstanceIdentifier}, cluster "
    .. "{requestParameters.dBClusterIdentifier})",
  context = function(e)
    return { database = e["requestParameters.dBInstanceIdentifier"]
               or e["requestParameters.dBClusterIdentifier"],
             apply_immediately = e["requestParameters.applyImmediately"] == true,
             via_service = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "A ModifyDBInstance (instance) or ModifyDBCluster (Multi-AZ DB cluster) call set "
      .. "publiclyAccessible to true. The endpoint now resolves to a public address; if a "
      .. "security group allows the port from anywhere, the database login is open to the "
      .. "internet. With applyImmediately false the change waits for the maintenance window.",
    risks = {
      "Unauthorized access: the database listener can be reached and brute-forced from the "
        .. "internet; leaked or default passwords become directly usable.",
      "Data exposure: customer data behind a public endpoint.",
      "Compliance: AWS Foundational Security Best Practices RDS.2 (RDS instances should "
        .. "prohibit public access), CIS AWS Foundations Benchmark 2.3.3, PCI DSS 1.3.1 "
        .. "(restrict inbound traffic to the cardholder data environment).",
    },
    console = {
      "1. RDS > Databases: open the database from the alert, choose Modify.",
      "2. Connectivity > Additional configuration: set Public access to Not publicly "
        .. "accessible; Continue, Apply immediately, Modify DB instance.",
      "3. Connectivity & security tab: open each VPC security group and remove inbound rules "
        .. "from 0.0.0.0/0 or ::/0 on the database port.",
      "4. Ask the actor why; if it was not planned, review the database's logs for logins from "
        .. "unknown addresses since the change and rotate the master password.",
    },
    cli = {
      "aws rds modify-db-instance --db-instance-identifier <db> --no-publicly-accessible "
        .. "--apply-immediately",
      "aws rds describe-db-clusters --db-cluster-identifier <cluster> "
        .. "--query 'DBClusters[0].DBClusterMembers[].DBInstanceIdentifier'",
      "aws rds describe-db-instances --db-instance-identifier <db> "
        .. "--query 'DBInstances[0].[PubliclyAccessible,VpcSecurityGroups]'",
      "aws ec2 describe-security-groups --group-ids <sg-id>",
    },
  },
  tests = {
    { name = "instance made public", fires = true, event = "samples/modify_instance_public.json",
      alert = { severity = "high" } },
    { name = "cluster made public by a person", fires = true,
      event = "samples/modify_cluster_public.json" },
    { name = "CloudFormation making it public still exposes it", fires = true,
      event = "samples/modify_cluster_public_cfn.json",
      alert = { context = { database = "reports-aurora", apply_immediately = true,
                            via_service = "cloudformation.amazonaws.com" } } },
    { name = "made private", fires = false, event = "samples/modify_instance_private.json" },
    { name = "other modification", fires = false, event = "samples/modify_instance_storage.json" },
    { name = "denied", fires = false, event = "samples/modify_instance_public_denied.json" },
  },
}
