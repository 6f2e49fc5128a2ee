-- Security Hub security standards disabled.
--
-- BatchDisableStandards stops every control of the named standards (CIS, AWS
-- Foundational Security Best Practices, PCI DSS, NIST). Failed calls and AWS
-- services stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.securityhub.standards_disabled",
  title = "Security Hub standards disabled",
  severity = "medium",
  description = "A principal disabled one or more Security Hub security standards; their "
    .. "controls stop checking the account.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchDisableStandards.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "securityhub.amazonaws.com", eventName = "BatchDisableStandards" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} disabled Security Hub standards in {region}",
  context = function(e)
    return { standards = data.list(e["requestParameters.StandardsSubscriptionArns"]),
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A Security Hub standard is a set of automated controls (for example CIS AWS "
      .. "Foundations Benchmark or AWS Foundational Security Best Practices) checked "
      .. "continuously against the account. BatchDisableStandards turns standards off: "
      .. "their controls stop running and their findings are archived. The alert lists "
      .. "the standards.",
    risks = {
      "Defense evasion: misconfigurations the standard would flag (public buckets, "
        .. "logging off, root use) are no longer reported.",
      "Compliance: evidence for audits based on the standard stops being produced (the CIS "
        .. "AWS Foundations, PCI DSS or NIST 800-53 controls it checked); CIS AWS Foundations "
        .. "Benchmark v1.4.0 4.16 (Security Hub enabled).",
    },
    console = {
      "1. Security Hub > Security standards: find the standards named in the alert and "
        .. "choose Enable standard.",
      "2. Ask the actor why they were disabled; a standard replaced by a newer version "
        .. "is fine, a standard simply removed is not.",
      "3. CloudTrail > Event history: filter User name = the actor and look for other "
        .. "defense changes in the same hour (GuardDuty, Config, CloudTrail, automation rules).",
      "4. Once re-enabled, the standard's controls take up to 24 hours to report again: "
        .. "look at failed controls in the meantime with Security Hub > Findings.",
    },
    cli = {
      "aws securityhub get-enabled-standards --region <region>",
      "aws securityhub describe-standards --region <region>",
      "aws securityhub batch-enable-standards --standards-subscription-requests "
        .. "StandardsArn=<standard-arn> --region <region>",
    },
  },
  tests = {
    { name = "CIS and FSBP disabled", fires = true, event = "samples/batch_disable_standards.json",
      alert = { severity = "medium", context = { via_console = false, standards = {
        "arn:aws:securityhub:us-east-1:111122223333:subscription/"
          .. "cis-aws-foundations-benchmark/v/1.4.0",
        "arn:aws:securityhub:us-east-1:111122223333:subscription/"
          .. "aws-foundational-security-best-practices/v/1.0.0" } } } },
    { name = "denied call", fires = false,
      event = "samples/batch_disable_standards_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/batch_disable_standards_cfn.json" },
  },
}
