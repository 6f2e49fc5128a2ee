-- RDS database log files downloaded.
--
-- Engine logs (error, slow query, general, audit) hold SQL text, failed
-- logins, sometimes passwords typed into statements. A download is one
-- DownloadDBLogFilePortion call per 1 MB portion, so one file can be dozens
-- of calls: dedup keeps one alert per caller and database per hour (the
-- alert's `duplicates` counts the rest). AWS services and failed calls are
-- quiet. Low: DBAs read logs daily; the alert is a record to correlate.
local aws = require "vigil.aws"

rule {
  id = "aws.rds.log_file_downloaded",
  title = "RDS database log file downloaded",
  severity = "low",
  description = "A principal downloaded (part of) an RDS database log file.",
  tags = { "attack.t1552.001", "attack.credential_access", "attack.collection" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DownloadDBLogFilePortion.html",
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.html",
  },
  on = { eventSource = "rds.amazonaws.com", eventName = "DownloadDBLogFilePortion" },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) end,
  dedup = { window = "1h",
            key = { "userIdentity.arn", "requestParameters.dBInstanceIdentifier" } },
  output = "{actor} downloaded RDS log {requestParameters.logFileName} of "
    .. "{requestParameters.dBInstanceIdentifier} from {source_ip}",
  context = function(e)
    local name = e["requestParameters.logFileName"] or ""
    return { audit_log = name:lower():find("audit") ~= nil }
  end,
  runbook = {
    about = "DownloadDBLogFilePortion returns up to 1 MB of a database log (error, slow query, "
      .. "general or audit log). The alert stands for every portion the same caller downloaded "
      .. "from the same database within an hour (duplicates).",
    risks = {
      "Credential access: statements such as CREATE USER ... PASSWORD, connection strings and "
        .. "application errors with secrets end up in engine logs.",
      "Evasion: an attacker reads the audit log to see what was recorded about them.",
      "Compliance: PCI DSS 10.3 (protect audit logs from unauthorized access), SOC 2 CC7.2.",
    },
    console = {
      "1. Confirm with the actor that the download was part of their work.",
      "2. If not: revoke their rds:DownloadDBLogFilePortion permission and review the logs "
        .. "they downloaded for secrets; rotate any found.",
      "3. Prefer publishing logs to CloudWatch Logs (Modify > Log exports) where access is "
        .. "controlled and logged separately.",
    },
    cli = {
      "aws rds describe-db-log-files --db-instance-identifier <db>",
      "aws rds modify-db-instance --db-instance-identifier <db> "
        .. "--cloudwatch-logs-export-configuration '{\"EnableLogTypes\":[\"audit\",\"error\"]}'",
      "aws iam simulate-principal-policy --policy-source-arn <actor-arn> "
        .. "--action-names rds:DownloadDBLogFilePortion",
    },
  },
  tests = {
    { name = "portion downloaded", fires = true, event = "samples/download_log_portion.json",
      alert = { severity = "low", context = { audit_log = false } } },
    { name = "the next portion folds into the first alert", fires = false, alerts = 1,
      events = { "samples/download_log_portion.json", "samples/download_log_portion_2.json" } },
    { name = "denied", fires = false, event = "samples/download_log_portion_denied.json" },
    { name = "listing log files", fires = false, event = "samples/describe_log_files.json" },
    { name = "an AWS service", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "DownloadDBLogFilePortion",
                eventTime = "2024-05-21T14:09:40Z",
                userIdentity = { type = "AWSService", invokedBy = "rds.amazonaws.com" },
                requestParameters = { dBInstanceIdentifier = "orders-prod" } } },
  },
}
