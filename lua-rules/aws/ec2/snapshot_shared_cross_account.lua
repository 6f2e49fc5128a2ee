-- An EBS snapshot shared with another AWS account.
--
-- Fires when createVolumePermission adds a userId that is neither the
-- record's own account nor one of vigil.net trusted_accounts (list your
-- backup and organization accounts there). Public sharing is
-- aws.ec2.snapshot_made_public. An AWS service acting for you (AWS Backup
-- copying to a vault account) stays quiet, as for the pack's other medium
-- rules. Removals and failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.snapshot_shared_cross_account",
  title = "EBS snapshot shared with another account",
  severity = "medium",
  description = "A principal let another AWS account create volumes from an EBS snapshot.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySnapshotAttribute.html",
    "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "ModifySnapshotAttribute" },
  when = function(e)
    local g
    if not aws.succeeded(e) or aws.is_aws_service(e) then
      return false
    end
    g = net.added_grantees(e, "createVolumePermission")
    return not g.public and #g.accounts > 0
  end,
  output = "{actor} shared EBS snapshot {requestParameters.snapshotId} with another account",
  context = function(e)
    local g = net.added_grantees(e, "createVolumePermission")
    return { accounts = table.concat(g.accounts, ","), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "ModifySnapshotAttribute with createVolumePermission add userId lets the named "
      .. "AWS account copy the snapshot and create volumes from it: that account gets a full "
      .. "copy of the disk. Sharing with your own backup or disaster-recovery account is "
      .. "common; sharing with an account nobody recognises is a classic exfiltration step.",
    risks = {
      "Exfiltration (transfer data to cloud account): the other account can copy the disk "
        .. "and keep it after you revoke the share.",
      "Data exposure: credentials and data on the disk leave your control.",
      "Data governance: copies of regulated data outside approved accounts break data "
        .. "residency and retention commitments.",
      "Compliance: SOC 2 CC6.7 and NIST 800-53 AC-21 (information sharing); AWS "
        .. "Foundational Security Best Practices EC2.1 checks public snapshots only, not shares "
        .. "with named accounts.",
    },
    console = {
      "1. Look up the account id(s) in the alert's context: is it one of your organization's "
        .. "accounts (AWS Organizations > AWS accounts) or a known partner?",
      "2. If not: EC2 > Elastic Block Store > Snapshots, select the snapshot, Actions > "
        .. "Snapshot settings > Modify permissions, remove the account and Save changes.",
      "3. Assume the copy may already exist: rotate secrets stored on the source volume.",
      "4. CloudTrail > Event history: filter on User name = the actor and look for other "
        .. "shares (ModifyImageAttribute, ModifyDBSnapshotAttribute) and snapshot creation.",
      "5. If the account is legitimate, add it to vigil.net trusted_accounts.",
    },
    cli = {
      "aws ec2 describe-snapshot-attribute --snapshot-id <snapshot-id> "
        .. "--attribute createVolumePermission",
      "aws ec2 modify-snapshot-attribute --snapshot-id <snapshot-id> "
        .. "--attribute createVolumePermission --operation-type remove --user-ids <account-id>",
      "aws organizations describe-account --account-id <account-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<snapshot-id>",
    },
  },
  tests = {
    { name = "shared with an unknown account", fires = true,
      event = "samples/ebs_snapshot_shared_account.json",
      alert = { severity = "medium",
                context = { accounts = "444455556666", via_console = false } } },
    { name = "shared with the account itself", fires = false,
      event = "samples/ebs_snapshot_shared_own_account.json" },
    { name = "AWS Backup sharing to a vault account", fires = false,
      event = "samples/ebs_snapshot_shared_backup_service.json" },
    { name = "public share is snapshot_made_public", fires = false,
      event = "samples/ebs_snapshot_public.json" },
    { name = "denied call", fires = false,
      event = "samples/ebs_snapshot_shared_account_denied.json" },
  },
}
