-- Other Lambda changes made by hand (informational): deletions, aliases,
-- versions, triggers, permissions removed, URLs deleted, layers published,
-- concurrency.
--
-- The calls with their own rules (AddPermission, function URLs,
-- UpdateFunctionCode, layers via UpdateFunctionConfiguration,
-- CreateFunction) are not repeated here. Changes made by automation
-- (vigil.net is_automation: AWS services, infrastructure-as-code,
-- deployment identities) stay quiet; so do failed calls. A change record to
-- correlate with the higher-severity Lambda rules.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.lambda.function_changed",
  title = "Lambda function changed by hand",
  severity = "info",
  description = "A Lambda function was deleted, or its aliases, versions, triggers, "
    .. "permissions, URL, layers or concurrency changed, outside automation.",
  tags = { "attack.t1525", "attack.persistence", "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html",
    "https://attack.mitre.org/techniques/T1525/",
  },
  on = { eventSource = "lambda.amazonaws.com",
         eventName = net.lambda_names({ "DeleteFunction", "CreateAlias", "UpdateAlias",
                                        "DeleteAlias", "PublishVersion",
                                        "CreateEventSourceMapping", "UpdateEventSourceMapping",
                                        "DeleteEventSourceMapping", "RemovePermission",
                                        "DeleteFunctionUrlConfig", "PublishLayerVersion",
                                        "AddLayerVersionPermission", "DeleteLayerVersion",
                                        "PutFunctionConcurrency", "DeleteFunctionConcurrency" }) },
  when = function(e)
    return aws.succeeded(e) and not net.is_automation(e)
  end,
  output = "{actor} called {eventName} on {requestParameters.functionName}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "These calls change how a Lambda function runs or whether it exists: aliases and "
      .. "versions decide which code serves traffic, event source mappings which queues and "
      .. "streams feed it, concurrency whether it runs at all. This change was made by a "
      .. "person or script, not by the deployment tooling.",
    risks = {
      "Persistence: pointing an alias at an unreviewed version, or adding a trigger, changes "
        .. "what runs without touching the code under review.",
      "Impact: deleting a function or setting its concurrency to 0 stops a service.",
      "Compliance: SOC 2 CC8.1 and NIST 800-53 CM-3 (changes go through change control).",
    },
    console = {
      "1. Lambda > Functions: open the function; check Aliases, Versions, Configuration > "
        .. "Triggers and Concurrency against what the pipeline deploys.",
      "2. CloudTrail > Event history: filter on Resource name = the function for the other "
        .. "changes around the alert time.",
      "3. If the change was not planned, restore it from the pipeline.",
    },
    cli = {
      "aws lambda list-aliases --function-name <function>",
      "aws lambda list-event-source-mappings --function-name <function>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<function>",
    },
  },
  tests = {
    { name = "function deleted by a user", fires = true,
      event = "samples/delete_function_user.json",
      alert = { severity = "info", context = { via_console = false } } },
    { name = "alias moved in the console", fires = true,
      event = "samples/alias_updated_console.json" },
    { name = "trigger added by Terraform", fires = false,
      event = "samples/event_source_mapping_terraform.json" },
    { name = "denied call", fires = false, event = "samples/delete_function_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/delete_function_user_cfn.json" },
  },
}
