-- An RDS snapshot (or cluster) export to S3 started.
--
-- StartExportTask writes the database's tables to an S3 bucket as Parquet:
-- the data leaves the database in a form any S3 reader can use. Fires on
-- every successful start by a person or workload; failed calls are quiet.
-- Whether the bucket is yours is not in the record (no account id), so the
-- bucket name is in the alert for the responder to check.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.snapshot_exported",
  title = "RDS snapshot export to S3 started",
  severity = "high",
  description = "StartExportTask began exporting an RDS snapshot or cluster to an S3 bucket.",
  tags = { "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartExportTask.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ExportSnapshot.html",
  },
  on = { eventSource = "rds.amazonaws.com", eventName = "StartExportTask" },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) end,
  output = "{actor} started exporting {requestParameters.sourceArn} to "
    .. "s3://{requestParameters.s3BucketName}/{requestParameters.s3Prefix}",
  context = function(e)
    return { bucket = e["requestParameters.s3BucketName"],
             role = e["requestParameters.iamRoleArn"] }
  end,
  runbook = {
    about = "An export task copies the snapshot's data, table by table, into the named bucket "
      .. "using the given IAM role and KMS key. It takes minutes to hours; it can be cancelled "
      .. "while running.",
    risks = {
      "Exfiltration: a bucket the attacker can read (or one in another account the role may "
        .. "write to) receives the whole database.",
      "Compliance: PCI DSS 3.x (stored cardholder data location), GDPR Art. 32, SOC 2 CC6.7 "
        .. "(data transmission restricted).",
    },
    console = {
      "1. RDS > Exports in Amazon S3: find the task from the alert; if not approved, select "
        .. "it and Cancel.",
      "2. S3: open the bucket, check its owner (Permissions > Bucket owner) and policy; delete "
        .. "exported objects that should not be there.",
      "3. IAM: review who may use the export role (iam:PassRole) and rds:StartExportTask.",
    },
    cli = {
      "aws rds describe-export-tasks --export-task-identifier <task>",
      "aws rds cancel-export-task --export-task-identifier <task>",
      "aws s3api get-bucket-acl --bucket <bucket>",
      "aws s3 rm s3://<bucket>/<prefix> --recursive",
    },
  },
  tests = {
    { name = "export started", fires = true, event = "samples/start_export_task.json",
      alert = { severity = "high", context = { bucket = "tmp-transfer-7731",
        role = "arn:aws:iam::111122223333:role/rds-s3-export" } } },
    { name = "denied", fires = false, event = "samples/start_export_task_denied.json" },
    { name = "reading export tasks", fires = false, event = "samples/describe_export_tasks.json" },
    { name = "an AWS service exporting on your behalf", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "StartExportTask",
                eventTime = "2024-05-21T14:09:40Z",
                userIdentity = { type = "AWSService", invokedBy = "backup.amazonaws.com" },
                requestParameters = { s3BucketName = "backup-exports" } } },
  },
}
