-- A snapshot taken and then shared out: CreateDBSnapshot (or the cluster
-- variant) followed, within an hour, by the same principal giving another
-- account or everyone restore access to that same snapshot.
--
-- Each call alone has its own alert (manual_snapshot_created, low;
-- snapshot_shared_cross_account / snapshot_made_public); the pair is the
-- database-theft recipe (Stratus Red Team aws.exfiltration.rds-share-
-- snapshot) and one story is what the responder needs. Sequence form keyed
-- by the actor and the snapshot name, so another engineer sharing another
-- snapshot in the same hour does not complete it; the actor is in the key,
-- so it is exact with any number of workers. Failed calls are not steps;
-- AWS Backup's own snapshots and shares act for you and are not steps.
local aws = require "vigil.aws"
local net = require "vigil.net"

local function snapshot(e)
  local id = e["requestParameters.dBSnapshotIdentifier"]
    or e["requestParameters.dBClusterSnapshotIdentifier"]
  if type(id) ~= "string" then
    return nil
  end
  return aws.actor(e) .. " " .. id
end

local function shared_out(e)
  local g = net.rds_added_grantees(e)
  return g.public or #g.accounts > 0
end

rule {
  id = "aws.rds.snapshot_exfiltration",
  title = "RDS snapshot taken and then shared outside the account",
  severity = "critical",
  description = "The same principal created an RDS snapshot and, within an hour, let another "
    .. "account (or everyone) restore it.",
  tags = { "attack.t1537", "attack.exfiltration", "attack.t1530", "attack.collection" },
  references = {
    "https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.rds-share-snapshot/",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) end,
  sequence = {
    window = "1h",
    key = snapshot,
    steps = {
      { name = "snapshot created",
        on = { eventSource = "rds.amazonaws.com",
               eventName = { "CreateDBSnapshot", "CreateDBClusterSnapshot" } } },
      { name = "shared outside",
        on = { eventSource = "rds.amazonaws.com",
               eventName = { "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute" } },
        when = shared_out },
    },
  },
  output = "{actor} took an RDS snapshot and shared it with {requestParameters.valuesToAdd} "
    .. "(snapshot {requestParameters.dBSnapshotIdentifier}, cluster snapshot "
    .. "{requestParameters.dBClusterSnapshotIdentifier})",
  context = function(e)
    local g = net.rds_added_grantees(e)
    return { public = g.public, accounts = table.concat(g.accounts, ",") }
  end,
  runbook = {
    about = "Two RDS calls by one principal on one snapshot: CreateDBSnapshot made a manual "
      .. "copy of a database, then ModifyDBSnapshotAttribute added another account id (or "
      .. "\"all\") to its restore attribute. The other account can now restore the whole "
      .. "database. context.sequence.started_at is when the snapshot was taken.",
    risks = {
      "Exfiltration: a full copy of the database is in, or can be copied to, an account "
        .. "you do not control.",
      "Credential access: database password hashes and any secrets in tables go with it.",
      "Compliance: AWS Foundational Security Best Practices RDS.1, PCI DSS 7.1 / 3.x, "
        .. "SOC 2 CC6.1 / CC6.7, and possibly a reportable personal-data breach (GDPR "
        .. "Art. 33).",
    },
    console = {
      "1. RDS > Snapshots: select the snapshot, Actions > Share snapshot: make it Private and "
        .. "remove every account id; Save.",
      "2. Disable the actor's credentials (IAM access key Inactive, or revoke role "
        .. "sessions) until the action is explained.",
      "3. Assume the other account copied it: rotate database credentials and secrets held "
        .. "in the database; involve your incident and privacy teams.",
      "4. Delete the manual snapshot once evidence is kept, and check for other snapshots, "
        .. "copies (CopyDBSnapshot) or exports (StartExportTask) by the actor.",
    },
    cli = {
      "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <snapshot> "
        .. "--attribute-name restore --values-to-remove <account-id-or-all>",
      "aws rds describe-db-snapshot-attributes --db-snapshot-identifier <snapshot>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<snapshot>",
    },
  },
  tests = {
    { name = "snapshot then shared with another account", fires = true, alerts = 1,
      events = { "samples/create_snapshot_exfil.json", "samples/snapshot_share_exfil.json" },
      alert = { severity = "critical", actor = "arn:aws:iam::111122223333:user/mallory",
                context = { public = false, accounts = "444455556666",
                            sequence = { steps = 2,
                                         started_at = "2024-05-21T14:09:40.000Z" } } } },
    { name = "shared first, snapshot after: not the sequence", fires = false, alerts = 0,
      events = { "samples/snapshot_share_exfil.json", "samples/create_snapshot_exfil.json" } },
    { name = "shared two hours later", fires = false, alerts = 0,
      events = { "samples/create_snapshot_exfil.json",
                 "samples/snapshot_share_exfil_late.json" } },
    { name = "another snapshot shared", fires = false, alerts = 0,
      events = { "samples/create_snapshot_exfil.json", "samples/snapshot_share_account.json" } },
    { name = "shared with its own account", fires = false, alerts = 0,
      events = { "samples/create_snapshot_exfil.json",
                 "samples/snapshot_share_exfil_own_account.json" } },
    { name = "the snapshot failed", fires = false, alerts = 0,
      events = { "samples/create_snapshot_exfil_denied.json",
                 "samples/snapshot_share_exfil.json" } },
    { name = "AWS Backup's snapshot", fires = false, alerts = 0,
      events = { "samples/create_snapshot_backup.json", "samples/snapshot_share_exfil.json" } },
  },
}
