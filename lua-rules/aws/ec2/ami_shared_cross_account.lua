-- An AMI shared with another AWS account.
--
-- Fires when launchPermission adds a userId that is neither the record's own
-- account nor one of vigil.net trusted_accounts. Sharing with your own
-- organization or an organizational unit (organizationArn,
-- organizationalUnitArn) stays quiet: it does not leave your accounts.
-- Public sharing is aws.ec2.ami_made_public. AWS services acting for you
-- stay quiet, as for the pack's other medium rules; so do removals and
-- failed calls.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.ami_shared_cross_account",
  title = "AMI shared with another account",
  severity = "medium",
  description = "A principal let another AWS account launch, and so copy, an Amazon Machine "
    .. "Image.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "ModifyImageAttribute" },
  when = function(e)
    local g
    if not aws.succeeded(e) or aws.is_aws_service(e) then
      return false
    end
    g = net.added_grantees(e, "launchPermission")
    return not g.public and #g.accounts > 0
  end,
  output = "{actor} shared AMI {requestParameters.imageId} with another account",
  context = function(e)
    local g = net.added_grantees(e, "launchPermission")
    return { accounts = table.concat(g.accounts, ","), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "ModifyImageAttribute with launchPermission add userId lets the named account "
      .. "launch the AMI and copy it into an image of its own, disks included. Image "
      .. "pipelines share golden images with workload accounts every day; an account outside "
      .. "your organization is the case to check.",
    risks = {
      "Exfiltration (transfer data to cloud account): the other account can copy the image "
        .. "and keep the copy after the share is removed.",
      "Data exposure: secrets and code baked into the image go with it.",
      "Compliance: SOC 2 CC6.7 (data moved only to authorised parties), NIST 800-53 AC-21 "
        .. "(information sharing).",
    },
    console = {
      "1. Check the account id(s) in the alert's context against AWS Organizations > AWS "
        .. "accounts and your list of partners.",
      "2. If unknown: EC2 > Images > AMIs, select the image, Actions > Edit AMI permissions, "
        .. "remove the account under Shared accounts and Save changes.",
      "3. Rotate credentials that may be baked into the image.",
      "4. CloudTrail > Event history: filter on User name = the actor for other sharing "
        .. "calls (ModifySnapshotAttribute, ModifyDBSnapshotAttribute).",
      "5. If the account is legitimate, add it to vigil.net trusted_accounts.",
    },
    cli = {
      "aws ec2 describe-image-attribute --image-id <ami-id> --attribute launchPermission",
      "aws ec2 modify-image-attribute --image-id <ami-id> "
        .. "--launch-permission \"Remove=[{UserId=<account-id>}]\"",
      "aws organizations describe-account --account-id <account-id>",
    },
  },
  tests = {
    { name = "shared with an outside account", fires = true,
      event = "samples/ami_shared_account.json",
      alert = { severity = "medium",
                context = { accounts = "444455556666", via_console = false } } },
    { name = "shared with the organization", fires = false, event = "samples/ami_shared_org.json" },
    { name = "public share is ami_made_public", fires = false, event = "samples/ami_public.json" },
    { name = "account removed", fires = false, event = "samples/ami_unshare_account.json" },
    { name = "denied call", fires = false, event = "samples/ami_public_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/ami_shared_account_cfn.json" },
  },
}
