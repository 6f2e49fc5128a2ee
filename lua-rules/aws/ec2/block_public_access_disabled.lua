-- Block public access for EBS snapshots or AMIs turned off in a region.
--
-- These two account settings are what stops a snapshot or an image from
-- being made public; turning one off usually comes right before a public
-- share. Fires whoever made the call, AWS services included (a guardrail
-- removal, like the pack's other high rules). A failed call: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.ec2.block_public_access_disabled",
  title = "EBS snapshot or AMI block public access disabled",
  severity = "high",
  description = "A principal turned off the account-level block on public EBS snapshots or "
    .. "public AMIs in a region.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_DisableSnapshotBlockPublicAccess.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_DisableImageBlockPublicAccess.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "DisableSnapshotBlockPublicAccess", "DisableImageBlockPublicAccess" } },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} called {eventName} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "Block public access for EBS snapshots and for AMIs are per-region account "
      .. "settings. While on, EC2 refuses to make a snapshot or image public (and, for "
      .. "snapshots in block-all-sharing mode, hides ones already public). "
      .. "DisableSnapshotBlockPublicAccess and DisableImageBlockPublicAccess remove that "
      .. "protection for the region of the call.",
    risks = {
      "Defense evasion: the guardrail is switched off so that a public share can follow.",
      "Data exposure: snapshots that were public before the block was turned on become "
        .. "public again at once.",
      "Compliance: AWS Foundational Security Best Practices control EC2.1 (EBS snapshots "
        .. "should not be publicly restorable).",
    },
    console = {
      "1. EC2 > Settings > Data protection and security: under Block public access for EBS "
        .. "snapshots and under AMI block public access, choose Manage and turn the block "
        .. "back on for the region from the alert.",
      "2. EC2 > Elastic Block Store > Snapshots and EC2 > Images > AMIs: filter on Public "
        .. "and check nothing of yours is listed.",
      "3. CloudTrail > Event history: filter on User name = the actor and look for "
        .. "ModifySnapshotAttribute and ModifyImageAttribute after the alert time.",
    },
    cli = {
      "aws ec2 enable-snapshot-block-public-access --state block-all-sharing "
        .. "--region <region>",
      "aws ec2 enable-image-block-public-access --image-block-public-access-state "
        .. "block-new-sharing --region <region>",
      "aws ec2 describe-snapshots --owner-ids self --restorable-by-user-ids all "
        .. "--region <region>",
      "aws ec2 describe-images --owners self --filters Name=is-public,Values=true "
        .. "--region <region>",
    },
  },
  tests = {
    { name = "snapshot block turned off", fires = true,
      event = "samples/snapshot_block_public_access_disabled.json",
      alert = { severity = "high" } },
    { name = "AMI block turned off in the console", fires = true,
      event = "samples/image_block_public_access_disabled.json" },
    { name = "denied call", fires = false,
      event = "samples/snapshot_block_public_access_disabled_denied.json" },
  },
}
