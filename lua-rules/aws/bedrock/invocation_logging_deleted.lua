-- Amazon Bedrock model invocation logging switched off.
--
-- Fires on every successful DeleteModelInvocationLoggingConfiguration, AWS
-- services included: without it, prompts and responses in the region are no
-- longer logged, whichever path removed it. Failed calls stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.bedrock.invocation_logging_deleted",
  title = "Bedrock model invocation logging deleted",
  severity = "high",
  description = "A principal deleted the Amazon Bedrock model invocation logging "
    .. "configuration; model calls in this region are no longer logged.",
  tags = { "attack.t1562.008", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/bedrock/latest/APIReference/"
      .. "API_DeleteModelInvocationLoggingConfiguration.html",
    "https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "bedrock.amazonaws.com",
         eventName = "DeleteModelInvocationLoggingConfiguration" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} deleted Bedrock model invocation logging in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "Model invocation logging makes Bedrock write every model call (the prompt, "
      .. "the response and metadata) to CloudWatch Logs or S3. CloudTrail records that "
      .. "InvokeModel happened, but only this log shows what was asked and answered. "
      .. "Deleting the configuration stops it for the whole region at once.",
    risks = {
      "Defense evasion (disable cloud logs): stolen credentials are used to run models "
        .. "at the owner's expense (LLMjacking), and attackers remove invocation logging "
        .. "first so the prompts cannot be reviewed.",
      "Misuse of the application (prompt injection, data extraction through prompts) "
        .. "can no longer be investigated.",
      "Cost: unlogged invocations still bill the account; a spike with no logs is hard "
        .. "to explain or dispute.",
      "Compliance: NIST 800-53 AU-12 (audit record generation) and SOC 2 CC7.2; PCI DSS "
        .. "10.2.1 where prompts can hold account data.",
    },
    console = {
      "1. Amazon Bedrock > Settings (in the region from the alert): turn Model invocation "
        .. "logging on, choose the data types, and the former S3 bucket and/or CloudWatch "
        .. "Logs group and role; Save settings.",
      "2. CloudTrail > Event history: filter on Event source = bedrock.amazonaws.com and "
        .. "look for InvokeModel, Converse and model-access calls by the same actor after "
        .. "the delete.",
      "3. Check Billing > Bills for Bedrock charges since the delete.",
      "4. Unless the actor confirms the change, treat the credentials as compromised.",
    },
    cli = {
      "aws bedrock get-model-invocation-logging-configuration --region <region>",
      "aws bedrock put-model-invocation-logging-configuration --logging-config "
        .. "'{\"s3Config\":{\"bucketName\":\"<bucket>\"},\"textDataDeliveryEnabled\":true}' "
        .. "--region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=bedrock.amazonaws.com --region <region>",
    },
  },
  tests = {
    { name = "logging deleted from the console", fires = true,
      event = "samples/delete_invocation_logging.json",
      alert = { severity = "high", context = { via_console = true } } },
    { name = "denied call", fires = false,
      event = "samples/delete_invocation_logging_denied.json" },
    { name = "logging set up", fires = false, event = "samples/put_invocation_logging.json" },
  },
}
