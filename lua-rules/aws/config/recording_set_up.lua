-- AWS Config recorder or delivery channel created, changed or started.
--
-- An informational record of Config being set up or reconfigured: useful
-- context next to the high-severity stop and delete rules, and a trace of
-- someone re-enabling Config after an incident. PutConfigurationRecorder also
-- changes an existing recorder (for example to record fewer resource types),
-- so the alert carries whether all supported types are recorded. Failed calls
-- stay quiet, and so do AWS services (landing-zone stacks set up Config in
-- every new account and region).
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.config.recording_set_up",
  title = "AWS Config recording set up or changed",
  severity = "info",
  description = "A principal created, changed or started an AWS Config configuration "
    .. "recorder or delivery channel.",
  tags = { "attack.t1526", "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html",
    "https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html",
    "https://docs.aws.amazon.com/config/latest/APIReference/API_StartConfigurationRecorder.html",
  },
  on = { eventSource = "config.amazonaws.com",
         eventName = { "PutConfigurationRecorder", "PutDeliveryChannel",
                       "StartConfigurationRecorder" } },
  when = function(e)
    return aws.succeeded(e) and not data.is_service_caller(e)
  end,
  output = "{actor} called {eventName} for AWS Config in {region}",
  context = function(e)
    local all = e["requestParameters.configurationRecorder.recordingGroup.allSupported"]
    return { all_resource_types = all, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "PutConfigurationRecorder creates or changes the recorder (what it records, "
      .. "with which role); PutDeliveryChannel sets where history goes; "
      .. "StartConfigurationRecorder starts recording. Together they turn AWS Config on "
      .. "in a region. This is usually good news; it is reported so that the Config "
      .. "timeline is complete and so that a recorder narrowed to a few resource types "
      .. "(all_resource_types false) is seen.",
    risks = {
      "Reduced coverage: a recorder changed to record only some resource types stops "
        .. "tracking the rest without being stopped.",
      "Delivery to an unexpected bucket sends configuration history, which maps your "
        .. "whole estate, outside the usual place.",
      "Discovery: a recorder turned on by an intruder gives them an inventory of every "
        .. "resource and its settings, queryable in one place.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 3.5 (AWS Config enabled in all "
        .. "regions) and 4.9 (alarm on AWS Config configuration changes).",
    },
    console = {
      "1. AWS Config > Settings (in the region from the alert): check the recording "
        .. "strategy records all resource types, including global ones.",
      "2. Check that the delivery channel's S3 bucket is your Config bucket.",
      "3. If the change was not expected, ask the actor and review their other calls in "
        .. "CloudTrail > Event history.",
    },
    cli = {
      "aws configservice describe-configuration-recorders --region <region>",
      "aws configservice describe-delivery-channels --region <region>",
      "aws configservice describe-configuration-recorder-status --region <region>",
    },
  },
  tests = {
    { name = "recorder created in the console", fires = true,
      event = "samples/put_configuration_recorder.json",
      alert = { severity = "info",
                context = { all_resource_types = true, via_console = true } } },
    { name = "delivery channel created", fires = true,
      event = "samples/put_delivery_channel.json" },
    { name = "recorder started", fires = true,
      event = "samples/start_configuration_recorder.json" },
    { name = "denied call", fires = false,
      event = "samples/put_configuration_recorder_denied.json" },
    { name = "set up by CloudFormation", fires = false,
      event = "samples/put_configuration_recorder_cfn.json" },
    { name = "deletion is not set-up", fires = false,
      event = "samples/delete_delivery_channel.json" },
  },
}
