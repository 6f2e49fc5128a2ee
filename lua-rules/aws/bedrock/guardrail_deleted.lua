-- Amazon Bedrock guardrail deleted.
--
-- The idea comes from the Sigma rule "AWS Bedrock Guardrail Deleted"
-- (59b70e4d-dd17-44a9-b740-acf07ae3eb6a, DRL 1.1); this is vigil's own
-- implementation and text, with the author credited in `author`.
-- Failed calls stay quiet. AWS services are skipped: stacks delete the
-- guardrails they created when torn down, and those deletions are reviewed
-- with the stack.
local aws = require "vigil.aws"

rule {
  id = "aws.bedrock.guardrail_deleted",
  title = "Bedrock guardrail deleted",
  severity = "medium",
  description = "A principal deleted an Amazon Bedrock guardrail (or one of its versions); "
    .. "applications using it lose its content and data filters.",
  author = "Marco Pedrinazzi (@pedrinazziM) (InTheCyber) (Sigma)",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_DeleteGuardrail.html",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_cloudtrail_bedrock_guardrail_deleted.yml",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "bedrock.amazonaws.com", eventName = "DeleteGuardrail" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted Bedrock guardrail {requestParameters.guardrailIdentifier} "
    .. "in {region}",
  context = function(e)
    return { version = e["requestParameters.guardrailVersion"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A Bedrock guardrail screens model input and output: denied topics, harmful "
      .. "content, prompt attacks, personal data (masked or blocked), word lists. "
      .. "DeleteGuardrail removes a guardrail, or one version when guardrailVersion is "
      .. "given. Applications that name it get errors or, if they treat it as optional, "
      .. "run unfiltered.",
    risks = {
      "Defense evasion: prompt-injection and jailbreak filtering stops, and the model "
        .. "can be driven to output what the guardrail blocked.",
      "Data exposure: personal data the guardrail masked can appear in responses.",
      "Compliance: SOC 2 CC8.1 (changes to controls authorised and documented); NIST 800-53"
        .. " CM-3 (configuration change control).",
    },
    console = {
      "1. Amazon Bedrock > Guardrails (in the region from the alert): check whether the "
        .. "guardrail from the alert is gone.",
      "2. Recreate it from your infrastructure code or its last known configuration, "
        .. "create a version, and point the applications at it.",
      "3. Ask the actor why it was deleted and look in CloudTrail > Event history for "
        .. "other Bedrock changes by them (UpdateGuardrail, logging settings).",
    },
    cli = {
      "aws bedrock list-guardrails --region <region>",
      "aws bedrock create-guardrail --cli-input-json file://<guardrail.json>",
      "aws bedrock create-guardrail-version --guardrail-identifier <guardrail-id>",
    },
  },
  tests = {
    { name = "guardrail deleted", fires = true, event = "samples/delete_guardrail.json",
      alert = { severity = "medium",
                author = "Marco Pedrinazzi (@pedrinazziM) (InTheCyber) (Sigma)",
                context = { via_console = false } } },
    { name = "stack teardown", fires = false, event = "samples/delete_guardrail_cfn.json" },
    { name = "denied call", fires = false, event = "samples/delete_guardrail_denied.json" },
  },
}
