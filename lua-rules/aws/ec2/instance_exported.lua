-- An EC2 instance exported as a virtual machine image to S3.
--
-- CreateInstanceExportTask writes a full copy of the instance's disks
-- (VMDK, VHD or raw) to an S3 bucket, from where it can be downloaded and
-- run anywhere. Rare outside migrations. AWS services acting for you stay
-- quiet, as for the pack's other medium rules; so do failed calls (the
-- attempt left no copy; refused exports are common with Marketplace images).
local aws = require "vigil.aws"

rule {
  id = "aws.ec2.instance_exported",
  title = "EC2 instance exported to S3",
  severity = "medium",
  description = "A principal started exporting an EC2 instance as a virtual machine image to "
    .. "an S3 bucket.",
  tags = { "attack.t1537", "attack.exfiltration", "attack.t1005", "attack.collection" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateInstanceExportTask.html",
    "https://docs.aws.amazon.com/vm-import/latest/userguide/vmexport.html",
    "https://attack.mitre.org/techniques/T1537/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "CreateInstanceExportTask" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} exported instance {requestParameters.instanceId} to S3 bucket "
    .. "{requestParameters.exportToS3.s3Bucket}",
  context = function(e)
    return { via_console = aws.is_console(e),
             task = e["responseElements.exportTask.exportTaskId"] }
  end,
  runbook = {
    about = "CreateInstanceExportTask (VM Import/Export) converts an instance's disks into a "
      .. "virtual machine image and writes it to an S3 bucket. The image is a complete copy "
      .. "of the server (operating system, applications, data, local secrets) that can be "
      .. "downloaded and booted outside AWS.",
    risks = {
      "Exfiltration: the exported image leaves with everything stored on the instance.",
      "Data exposure: the target bucket may belong to, or be readable by, another account.",
      "Compliance: SOC 2 CC6.7 (data moved only to authorised parties), NIST 800-53 AC-4 "
        .. "(information flow enforcement).",
    },
    console = {
      "1. Check the bucket in the alert: S3 > Buckets, open it, Permissions tab; is it yours, "
        .. "and who can read it (bucket policy, ACLs, access points)?",
      "2. Ask the actor about the migration or backup the export serves.",
      "3. If unexpected: cancel the task (CLI below; the console has no export view), then "
        .. "delete the exported object from the bucket.",
      "4. CloudTrail > Event history: filter on User name = the actor and look for S3 "
        .. "GetObject on the export and for other copies (CreateSnapshot, CopyImage).",
    },
    cli = {
      "aws ec2 describe-export-tasks --export-task-ids <export-task-id>",
      "aws ec2 cancel-export-task --export-task-id <export-task-id>",
      "aws s3api get-bucket-policy --bucket <bucket>",
      "aws s3 rm s3://<bucket>/<prefix><export-task-id>.ova",
    },
  },
  tests = {
    { name = "export to S3 started", fires = true, event = "samples/instance_export.json",
      alert = { severity = "medium",
                context = { via_console = false, task = "export-i-0c1d2e3f4a5b6c7d8" } } },
    { name = "refused export", fires = false, event = "samples/instance_export_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/instance_export_cfn.json" },
  },
}
