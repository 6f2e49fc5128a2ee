-- An RDS database rebooted or failed over by hand (info).
--
-- Routine for DBAs, so only info: a record to correlate. It matters for
-- security in two ways: a reboot applies pending static parameter changes
-- (for example audit logging or rds.force_ssl turned off in a parameter
-- group), and a forced reboot or failover is an availability hit when
-- nobody planned it. AWS services (RDS maintenance, CloudFormation) and
-- failed calls are quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.reboot_or_failover",
  title = "RDS database rebooted or failed over",
  severity = "info",
  description = "RebootDBInstance, RebootDBCluster, RebootDBShardGroup, FailoverDBCluster or "
    .. "FailoverGlobalCluster called by a person or workload.",
  tags = { "attack.t1499", "attack.impact", "attack.t1562", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RebootInstance.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_FailoverDBCluster.html",
  },
  on = { eventSource = "rds.amazonaws.com",
         eventName = { "RebootDBInstance", "RebootDBCluster", "RebootDBShardGroup",
                       "FailoverDBCluster", "FailoverGlobalCluster" } },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) end,
  output = "{actor} called {eventName} in {region} (instance "
    .. "{requestParameters.dBInstanceIdentifier}, cluster "
    .. "{requestParameters.dBClusterIdentifier}, "
    .. "global cluster {requestParameters.globalClusterIdentifier})",
  context = function(e)
    return { forced_failover = e["requestParameters.forceFailover"] == true
      or e.eventName == "FailoverDBCluster" or e.eventName == "FailoverGlobalCluster" }
  end,
  runbook = {
    about = "The database restarted (reboot) or moved its writer to another instance or "
      .. "region (failover). Connections drop for seconds to minutes. A reboot also applies "
      .. "parameter group changes that were pending a reboot.",
    risks = {
      "Defense evasion: a pending change to a parameter group (audit plugin off, "
        .. "log_statement none, rds.force_ssl 0) takes effect at this reboot.",
      "Impact: an unplanned failover or reboot of production is an outage (SOC 2 A1.1 "
        .. "availability commitments).",
    },
    console = {
      "1. RDS > Databases > the database > Logs & events: read Recent events around the time.",
      "2. Configuration tab: open the parameter group and check for recent changes "
        .. "(CloudTrail ModifyDBParameterGroup / ModifyDBClusterParameterGroup by the actor).",
      "3. If nobody planned it, ask the actor and check the application's health.",
    },
    cli = {
      "aws rds describe-events --source-identifier <db> --source-type db-instance "
        .. "--duration 120",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=ModifyDBParameterGroup",
      "aws rds describe-db-parameters --db-parameter-group-name <group> --source user",
    },
  },
  tests = {
    { name = "reboot", fires = true, event = "samples/reboot_instance.json",
      alert = { severity = "info", context = { forced_failover = false } } },
    { name = "cluster reboot", fires = true, event = "samples/reboot_cluster_failover.json" },
    { name = "cluster failover", fires = true, event = "samples/failover_cluster.json",
      alert = { context = { forced_failover = true } } },
    { name = "global failover", fires = true, event = "samples/failover_global_cluster.json" },
    { name = "failed", fires = false, event = "samples/reboot_instance_failed.json" },
    { name = "CloudFormation", fires = false, event = "samples/reboot_instance_cfn.json" },
    { name = "start is not a reboot", fires = false, event = "samples/start_instance.json" },
  },
}
