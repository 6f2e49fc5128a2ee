-- EBS encryption by default turned off for a region.
--
-- Fires on every successful DisableEbsEncryptionByDefault, AWS services
-- included: it removes an account-wide guardrail and no routine automation
-- needs to. Medium, not high: existing volumes stay encrypted; the risk is
-- to volumes and snapshot copies created from now on. A failed call changed
-- nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.ec2.ebs_default_encryption_disabled",
  title = "EBS encryption by default disabled",
  severity = "medium",
  description = "A principal turned off EBS encryption by default in a region: new volumes "
    .. "and snapshot copies are created unencrypted unless each request asks otherwise.",
  tags = { "attack.t1562", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_DisableEbsEncryptionByDefault.html",
    "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "DisableEbsEncryptionByDefault" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} disabled EBS encryption by default in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "EBS encryption by default is a per-region account setting: while on, every new "
      .. "volume and every snapshot copy is encrypted with the default KMS key. "
      .. "DisableEbsEncryptionByDefault turns it off for the region of the call. Nothing "
      .. "existing changes, but from now on volumes are created in clear unless a request "
      .. "asks for encryption.",
    risks = {
      "Data exposure: unencrypted volumes produce unencrypted snapshots, and only those can "
        .. "be shared publicly or copied to another account without the key.",
      "Defense evasion: turning it off is a step towards sharing data out, since encrypted "
        .. "snapshots cannot be made public.",
      "Compliance: AWS Foundational Security Best Practices control EC2.7 (EBS default "
        .. "encryption should be enabled); CIS AWS Foundations Benchmark v1.4.0 2.2.1.",
    },
    console = {
      "1. EC2 > Dashboard > Account attributes > Data protection and security: under EBS "
        .. "encryption choose Manage, tick Enable and Update EBS encryption, in the region "
        .. "from the alert.",
      "2. EC2 > Elastic Block Store > Volumes: filter on Encryption = Not encrypted and "
        .. "look for volumes created after the alert time.",
      "3. CloudTrail > Event history: filter on User name = the actor and look for "
        .. "CreateSnapshot, CopySnapshot and ModifySnapshotAttribute that followed.",
    },
    cli = {
      "aws ec2 enable-ebs-encryption-by-default --region <region>",
      "aws ec2 get-ebs-encryption-by-default --region <region>",
      "aws ec2 describe-volumes --region <region> --filters Name=encrypted,Values=false",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=DisableEbsEncryptionByDefault",
    },
  },
  tests = {
    { name = "disabled from the CLI", fires = true,
      event = "samples/ebs_encryption_default_disabled.json",
      alert = { severity = "medium",
                message = "arn:aws:iam::111122223333:user/alice disabled EBS encryption by "
                  .. "default in us-east-1" } },
    { name = "disabled through CloudFormation still fires", fires = true,
      event = "samples/ebs_encryption_default_disabled_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/ebs_encryption_default_disabled_denied.json" },
  },
}
