-- AWS Config stopped recording configuration changes.
--
-- Fires on every successful StopConfigurationRecorder, AWS services included:
-- a stack or landing-zone tool that stops the recorder leaves the same gap,
-- and routing the change through a stack is an easy way to hide it. Failed
-- calls changed nothing and stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.config.recorder_stopped",
  title = "AWS Config recorder stopped",
  severity = "high",
  description = "A principal stopped the AWS Config configuration recorder; resource "
    .. "changes in this region are no longer recorded or evaluated.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/config/latest/APIReference/API_StopConfigurationRecorder.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "config.amazonaws.com", eventName = "StopConfigurationRecorder" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} stopped AWS Config recorder {requestParameters.configurationRecorderName} "
    .. "in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "The configuration recorder is what makes AWS Config work: it records every "
      .. "change to the resources in a region (security groups, buckets, IAM, ...) and "
      .. "feeds Config rules, conformance packs and Security Hub controls. "
      .. "StopConfigurationRecorder pauses it. The recorder and its settings remain, but "
      .. "from now on changes are neither recorded nor evaluated, and Config shows the "
      .. "resources as they were before the stop.",
    risks = {
      "Defense evasion: changes made while the recorder is off leave no configuration "
        .. "history, and compliance rules keep showing the old, compliant state.",
      "Detection blind spot: Security Hub controls and Config rules that depend on "
        .. "recorded changes stop updating.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.5 (AWS Config enabled in all "
        .. "regions) and 4.9 (alarm on AWS Config configuration changes).",
    },
    console = {
      "1. AWS Config > Settings (in the region from the alert): check Recording is off, "
        .. "then choose Edit, turn recording on and Save.",
      "2. AWS Config > Dashboard: confirm the recorder shows Recording and the delivery "
        .. "channel has no errors.",
      "3. CloudTrail > Event history: filter on User name = the actor and review the "
        .. "changes they made while the recorder was off (Config will not show them).",
      "4. Unless the actor confirms the change, treat the credentials as compromised.",
    },
    cli = {
      "aws configservice describe-configuration-recorder-status --region <region>",
      "aws configservice start-configuration-recorder --configuration-recorder-name "
        .. "<recorder> --region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --region <region>",
    },
  },
  tests = {
    { name = "recorder stopped from the CLI", fires = true,
      event = "samples/stop_configuration_recorder.json",
      alert = { severity = "high", context = { via_console = false } } },
    { name = "stopped through CloudFormation still fires", fires = true,
      event = "samples/stop_configuration_recorder_cfn.json" },
    { name = "denied call", fires = false,
      event = "samples/stop_configuration_recorder_denied.json" },
    { name = "starting the recorder", fires = false,
      event = "samples/start_configuration_recorder.json" },
  },
}
