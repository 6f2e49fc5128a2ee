-- An IAM role associated with an RDS instance or cluster.
--
-- The role lets the database engine itself call AWS: S3 import/export,
-- Lambda invocation, Comprehend, SageMaker. Anyone who can run SQL then
-- reaches those services with the role's permissions, from inside the
-- database, where IAM logs show only the role. CloudFormation attaching a
-- role from a template and failed calls are quiet; removing a role is quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.iam_role_added",
  title = "IAM role added to an RDS database",
  severity = "medium",
  description = "AddRoleToDBInstance or AddRoleToDBCluster gave a database engine an IAM role.",
  tags = { "attack.t1098.001", "attack.persistence", "attack.t1078.004",
           "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_AddRoleToDBInstance.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"
      .. "AuroraMySQL.Integrating.Authorizing.IAM.AddRoleToDBCluster.html",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "AddRoleToDBInstance", "AddRoleToDBCluster" } },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) end,
  output = "{actor} added role {requestParameters.roleArn} (feature "
    .. "{requestParameters.featureName}) to RDS database (instance "
    .. "{requestParameters.dBInstanceIdentifier}, cluster "
    .. "{requestParameters.dBClusterIdentifier})",
  context = function(e)
    return { role = e["requestParameters.roleArn"], feature = e["requestParameters.featureName"] }
  end,
  runbook = {
    about = "The database engine can now assume the role for the named feature (for example "
      .. "s3Import, s3Export, Lambda). Database users with the right SQL privileges use it "
      .. "through functions such as aws_s3.query_export_to_s3 or lambda_sync.",
    risks = {
      "Exfiltration: a SQL query can copy tables to any S3 bucket the role can write to.",
      "Privilege escalation: database users gain the role's AWS permissions without IAM "
        .. "credentials of their own.",
      "Compliance: SOC 2 CC6.3 (role-based access reviewed), CIS AWS Foundations Benchmark "
        .. "1.16 spirit (least privilege for roles).",
    },
    console = {
      "1. RDS > Databases > the database > Connectivity & security: Manage IAM roles lists "
        .. "the associated roles.",
      "2. IAM > Roles > the role: review its permissions (which buckets, which functions) and "
        .. "its trust policy (rds.amazonaws.com).",
      "3. If not approved: in Manage IAM roles, select the role and Delete.",
    },
    cli = {
      "aws rds describe-db-instances --db-instance-identifier <db> "
        .. "--query 'DBInstances[0].AssociatedRoles'",
      "aws rds remove-role-from-db-instance --db-instance-identifier <db> --role-arn <role-arn> "
        .. "--feature-name <feature>",
      "aws rds remove-role-from-db-cluster --db-cluster-identifier <cluster> "
        .. "--role-arn <role-arn>",
      "aws iam list-attached-role-policies --role-name <role>",
    },
  },
  tests = {
    { name = "role added to an instance", fires = true,
      event = "samples/add_role_to_instance.json",
      alert = { severity = "medium", context = { feature = "s3Export",
        role = "arn:aws:iam::111122223333:role/rds-s3-export" } } },
    { name = "role added to a cluster", fires = true, event = "samples/add_role_to_cluster.json" },
    { name = "denied", fires = false, event = "samples/add_role_to_instance_denied.json" },
    { name = "CloudFormation", fires = false, event = "samples/add_role_to_cluster_cfn.json" },
    { name = "role removed", fires = false, event = "samples/remove_role_from_instance.json" },
  },
}
