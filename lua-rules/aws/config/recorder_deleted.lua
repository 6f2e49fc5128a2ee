-- AWS Config configuration recorder deleted.
--
-- Fires on every successful DeleteConfigurationRecorder, AWS services
-- included, for the same reason as aws.config.recorder_stopped. Failed calls
-- changed nothing and stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.config.recorder_deleted",
  title = "AWS Config recorder deleted",
  severity = "high",
  description = "A principal deleted the AWS Config configuration recorder; the region no "
    .. "longer records resource changes until a new recorder is set up.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteConfigurationRecorder.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "config.amazonaws.com", eventName = "DeleteConfigurationRecorder" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} deleted AWS Config recorder {requestParameters.configurationRecorderName} "
    .. "in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "DeleteConfigurationRecorder removes the recorder and its settings (which "
      .. "resource types it records, with which IAM role). Configuration history already "
      .. "delivered stays in the S3 bucket, but AWS Config records nothing new in this "
      .. "region, and Config rules and Security Hub controls stop evaluating changes.",
    risks = {
      "Defense evasion: later changes leave no configuration history and no compliance "
        .. "evaluation.",
      "Detection blind spot: Config rules, conformance packs and Security Hub controls "
        .. "built on Config go stale.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.5 (AWS Config enabled in all "
        .. "regions) and 4.9 (alarm on AWS Config configuration changes).",
    },
    console = {
      "1. AWS Config (in the region from the alert) > Settings: the page offers to set "
        .. "up recording again; record all resource types, include global resources, use "
        .. "the former IAM role and delivery channel, and Save.",
      "2. AWS Config > Dashboard: check that recording is on and the delivery channel "
        .. "works.",
      "3. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls, including StopConfigurationRecorder and DeleteDeliveryChannel.",
      "4. Unless the actor confirms the change, treat the credentials as compromised.",
    },
    cli = {
      "aws configservice put-configuration-recorder --configuration-recorder "
        .. "name=default,roleARN=<role-arn> --recording-group "
        .. "allSupported=true,includeGlobalResourceTypes=true --region <region>",
      "aws configservice start-configuration-recorder --configuration-recorder-name "
        .. "default --region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --region <region>",
    },
  },
  tests = {
    { name = "recorder deleted", fires = true,
      event = "samples/delete_configuration_recorder.json",
      alert = { severity = "high", context = { via_console = false } } },
    { name = "denied call", fires = false,
      event = "samples/delete_configuration_recorder_denied.json" },
    { name = "stopping is recorder_stopped's", fires = false,
      event = "samples/stop_configuration_recorder.json" },
  },
}
