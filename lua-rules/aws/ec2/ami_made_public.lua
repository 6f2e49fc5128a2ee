-- An AMI made public: launchPermission add group "all".
--
-- Any AWS account can then launch the image and read its disks. Fires
-- whoever made the call, AWS services included (a public image is a
-- deliberate act; image publishers should list their pipeline's role as an
-- exception, not weaken the rule). Sharing with named accounts is
-- aws.ec2.ami_shared_cross_account; removals, other attributes and failed
-- calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.ami_made_public",
  title = "AMI made public",
  severity = "high",
  description = "A principal gave every AWS account permission to launch an Amazon Machine "
    .. "Image, and so to copy the disks it contains.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "ModifyImageAttribute" },
  when = function(e)
    return aws.succeeded(e) and net.added_grantees(e, "launchPermission").public
  end,
  output = "{actor} made AMI {requestParameters.imageId} public in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "ModifyImageAttribute with launchPermission add group \"all\" publishes an AMI: "
      .. "it appears in every account's public image list and anyone can launch it or copy "
      .. "it. Images built from real servers carry whatever was on their disks at build time: "
      .. "application code, configuration files, SSH keys, cached credentials.",
    risks = {
      "Data exposure: secrets baked into the image are readable by anyone who launches it.",
      "Exfiltration: publishing an image is a quick way to copy a server's disks to an "
        .. "outside account.",
      "Supply chain: a public image under your account's name can be picked up by others "
        .. "as if it were trusted.",
      "Compliance: SOC 2 CC6.1 and C1.1 (confidential data protected), NIST 800-53 AC-3 "
        .. "(access enforcement) and AC-21 (information sharing).",
    },
    console = {
      "1. EC2 > Images > AMIs: select the image from the alert, Actions > Edit AMI "
        .. "permissions, choose Private and Save changes.",
      "2. EC2 > Settings (Data protection and security) > AMI block public access: turn it "
        .. "on for the region.",
      "3. Find how the image was built (its Description, Source, and Block devices) and "
        .. "rotate every credential it may contain.",
      "4. CloudTrail > Event history: filter on User name = the actor and look for CreateImage, "
        .. "CopyImage and other permission changes around the alert time.",
    },
    cli = {
      "aws ec2 modify-image-attribute --image-id <ami-id> "
        .. "--launch-permission \"Remove=[{Group=all}]\"",
      "aws ec2 describe-image-attribute --image-id <ami-id> --attribute launchPermission",
      "aws ec2 enable-image-block-public-access --image-block-public-access-state "
        .. "block-new-sharing",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<ami-id>",
    },
  },
  tests = {
    { name = "launch permission added for group all", fires = true,
      event = "samples/ami_public.json", alert = { severity = "high" } },
    { name = "shared with one account is ami_shared_cross_account", fires = false,
      event = "samples/ami_shared_account.json" },
    { name = "public permission removed", fires = false,
      event = "samples/ami_unshare_public.json" },
    { name = "description changed", fires = false,
      event = "samples/ami_description_change.json" },
    { name = "denied call", fires = false, event = "samples/ami_public_denied.json" },
  },
}
