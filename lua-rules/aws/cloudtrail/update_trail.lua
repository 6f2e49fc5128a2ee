-- Any other successful UpdateTrail: destination bucket, prefix, SNS topic,
-- or a console save.
--
-- Calls that weaken the trail belong to aws.cloudtrail.trail_weakened (high);
-- this rule takes the rest, so each call raises one alert. A new S3 bucket is
-- the case that matters most: pointed at a bucket the attacker controls, the
-- trail keeps "logging" while the owner's bucket receives nothing. The record
-- does not say whether the bucket is new, so every change is reported.
-- Failed calls stay quiet. CloudFormation and other AWS services acting for
-- you are skipped: stack updates change trails routinely and are reviewed in
-- their own pipeline.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.cloudtrail.update_trail",
  title = "CloudTrail trail changed",
  severity = "medium",
  description = "A principal changed a CloudTrail trail's settings, for example the S3 bucket "
    .. "its log files go to.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "UpdateTrail" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and #data.trail_weakenings(e) == 0
  end,
  output = "{actor} changed CloudTrail trail {requestParameters.name} in {region}",
  context = function(e)
    return { s3_bucket = e["requestParameters.s3BucketName"],
             s3_key_prefix = e["requestParameters.s3KeyPrefix"],
             sns_topic = e["requestParameters.snsTopicName"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "UpdateTrail changes a trail in place: where its log files go (S3 bucket and "
      .. "prefix), which SNS topic announces them, and its other settings. This call did "
      .. "not switch anything off (that is aws.cloudtrail.trail_weakened), but a trail "
      .. "sent to a different bucket stops feeding every tool that reads the old one, and "
      .. "a bucket in another account hands the audit log to whoever owns it.",
    risks = {
      "Defense evasion (disable cloud logs): log files delivered to an attacker's bucket "
        .. "leave the owner with a trail that looks healthy and an empty log bucket.",
      "Detection blind spot: vigil and other consumers that read the former bucket or "
        .. "prefix receive nothing more.",
      "Change control: CIS AWS Foundations Benchmark v1.4.0 4.5 asks for an alarm on "
        .. "CloudTrail configuration changes.",
    },
    console = {
      "1. CloudTrail > Trails: open the trail and check the S3 bucket, prefix and SNS "
        .. "topic against your records or infrastructure code.",
      "2. S3: open the bucket the trail now uses and check, under Permissions, that it "
        .. "belongs to your account and that its policy does not grant other accounts.",
      "3. Ask the actor or the trail's owner whether the change was planned.",
      "4. If it was not: Edit the trail, set the former bucket and prefix, Save changes, "
        .. "and look in CloudTrail > Event history for the actor's other calls.",
    },
    cli = {
      "aws cloudtrail describe-trails --trail-name-list <trail>",
      "aws s3api get-bucket-policy --bucket <bucket> --expected-bucket-owner <account-id>",
      "aws cloudtrail update-trail --name <trail> --s3-bucket-name <former-bucket> "
        .. "--s3-key-prefix <former-prefix>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "trail sent to another bucket", fires = true,
      event = "samples/update_trail_bucket.json",
      alert = { severity = "medium",
                context = { s3_bucket = "audit-archive-7781-eu", s3_key_prefix = "ct",
                            via_console = false } } },
    { name = "console save with safe settings", fires = true,
      event = "samples/update_trail_console_safe.json" },
    { name = "weakening is trail_weakened's", fires = false,
      event = "samples/update_trail_weakened.json" },
    { name = "CloudFormation bucket change", fires = false,
      event = "samples/update_trail_cfn_bucket.json" },
    { name = "denied call", fires = false, event = "samples/update_trail_denied.json" },
  },
}
