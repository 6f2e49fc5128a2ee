-- GuardDuty findings export to S3 deleted.
--
-- Without the export, findings live only in GuardDuty (90 days) and whatever
-- reads the bucket (a SIEM, an archive) stops receiving them. Failed calls
-- and AWS services stay quiet (a stack that replaces the destination deletes
-- the old one first).
local aws = require "vigil.aws"

rule {
  id = "aws.guardduty.publishing_destination_deleted",
  title = "GuardDuty findings export deleted",
  severity = "medium",
  description = "A principal deleted a GuardDuty publishing destination; findings are no "
    .. "longer exported to S3.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/"
      .. "API_DeletePublishingDestination.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com", eventName = "DeletePublishingDestination" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted the findings export {requestParameters.destinationId} of "
    .. "GuardDuty detector {requestParameters.detectorId} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A publishing destination exports every GuardDuty finding to an S3 bucket, "
      .. "encrypted with a KMS key, where SIEMs and long-term archives pick them up. "
      .. "DeletePublishingDestination stops the export. GuardDuty itself keeps findings "
      .. "for 90 days only.",
    risks = {
      "Defense evasion: findings stop reaching the SIEM or on-call tooling that reads "
        .. "the bucket, so new threats are raised where nobody looks.",
      "Evidence loss: findings older than 90 days exist only in the export.",
      "Compliance: PCI DSS 10.5.1 (keep security event history 12 months) when exported "
        .. "findings are the record; NIST 800-53 AU-9 and SI-4.",
    },
    console = {
      "1. GuardDuty (in the region from the alert) > Settings > Findings export options: "
        .. "choose Configure now and set the former S3 bucket and KMS key.",
      "2. Check that the bucket policy and the key policy still allow GuardDuty to write.",
      "3. Ask the actor why the export was removed.",
    },
    cli = {
      "aws guardduty list-publishing-destinations --detector-id <detector-id>",
      "aws guardduty create-publishing-destination --detector-id <detector-id> "
        .. "--destination-type S3 --destination-properties "
        .. "DestinationArn=<bucket-arn>,KmsKeyArn=<key-arn>",
    },
  },
  tests = {
    { name = "export deleted", fires = true, event = "samples/delete_publishing_destination.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "denied call", fires = false,
      event = "samples/delete_publishing_destination_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/delete_publishing_destination_cfn.json" },
  },
}
