-- An EBS snapshot made public: createVolumePermission add group "all".
--
-- Anyone with an AWS account can then copy the snapshot and mount the disk.
-- Fires whoever made the call, AWS services included: no automation has a
-- reason to publish a disk image. Sharing with named accounts is
-- aws.ec2.snapshot_shared_cross_account; removing a permission, a failed
-- call, or any other attribute stays quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.snapshot_made_public",
  title = "EBS snapshot made public",
  severity = "critical",
  description = "A principal gave every AWS account permission to create volumes from an EBS "
    .. "snapshot, publishing a full copy of the disk.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySnapshotAttribute.html",
    "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "ModifySnapshotAttribute" },
  when = function(e)
    return aws.succeeded(e) and net.added_grantees(e, "createVolumePermission").public
  end,
  output = "{actor} made EBS snapshot {requestParameters.snapshotId} public in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "ModifySnapshotAttribute with createVolumePermission add group \"all\" makes an "
      .. "EBS snapshot public: every AWS account can list it, copy it and create a volume "
      .. "from it, which is a full copy of the disk as it was when the snapshot was taken. "
      .. "AWS refuses this for encrypted snapshots, so a public snapshot is always readable.",
    risks = {
      "Data exposure: files, database files, keys and credentials on the disk can be read "
        .. "by anyone; public snapshots are scanned for secrets by automated tools.",
      "Exfiltration: attackers publish a snapshot to copy it into an account they own.",
      "Compliance: AWS Foundational Security Best Practices control EC2.1 (EBS snapshots "
        .. "should not be publicly restorable).",
    },
    console = {
      "1. EC2 > Elastic Block Store > Snapshots: select the snapshot from the alert, "
        .. "Actions > Snapshot settings > Modify permissions, choose Private and Save changes.",
      "2. EC2 > Settings (Data protection and security) > Block public access for EBS "
        .. "snapshots: turn it on for the region so it cannot happen again.",
      "3. Find the volume the snapshot came from (the snapshot's Volume ID) and list what it "
        .. "held: treat every secret stored on it as exposed and rotate it.",
      "4. CloudTrail > Event history: filter on User name = the actor and review their calls "
        .. "around the alert time (CreateSnapshot, CopySnapshot, other permission changes).",
    },
    cli = {
      "aws ec2 modify-snapshot-attribute --snapshot-id <snapshot-id> "
        .. "--attribute createVolumePermission --operation-type remove --group-names all",
      "aws ec2 describe-snapshot-attribute --snapshot-id <snapshot-id> "
        .. "--attribute createVolumePermission",
      "aws ec2 enable-snapshot-block-public-access --state block-all-sharing",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<snapshot-id>",
    },
  },
  tests = {
    { name = "snapshot shared with group all", fires = true,
      event = "samples/ebs_snapshot_public.json",
      alert = { severity = "critical",
                message = "arn:aws:iam::111122223333:user/alice made EBS snapshot "
                  .. "snap-0f3e2d1c4b5a69870 public in us-east-1" } },
    { name = "shared with one account is the cross-account rule", fires = false,
      event = "samples/ebs_snapshot_shared_account.json" },
    { name = "public permission removed", fires = false,
      event = "samples/ebs_snapshot_unshare_public.json" },
    { name = "denied call", fires = false, event = "samples/ebs_snapshot_public_denied.json" },
  },
}
