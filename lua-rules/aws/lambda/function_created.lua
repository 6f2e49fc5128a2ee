-- A Lambda function created by a person rather than the pipeline.
--
-- Creating a function means choosing its execution role (iam:PassRole): a
-- person who can pass a powerful role to code they write gets that role's
-- permissions, a known privilege escalation path, and a hand-made function
-- is a quiet place for a backdoor. Fires for people (vigil.net is_human);
-- pipelines, infrastructure-as-code and AWS services stay quiet. Low: many
-- teams prototype functions by hand; the role in the context is what to
-- check. Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.lambda.function_created",
  title = "Lambda function created by a person",
  severity = "low",
  description = "A person created a Lambda function, giving it an execution role, outside the "
    .. "deployment pipeline.",
  tags = { "attack.t1648", "attack.execution", "attack.t1098", "attack.persistence",
           "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    "https://attack.mitre.org/techniques/T1648/",
  },
  on = { eventSource = "lambda.amazonaws.com", eventName = net.lambda_names({ "CreateFunction" }) },
  when = function(e)
    return aws.succeeded(e) and net.is_human(e)
  end,
  output = "{actor} created function {requestParameters.functionName} with role "
    .. "{requestParameters.role}",
  context = function(e)
    return { role = e["requestParameters.role"], runtime = e["requestParameters.runtime"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "CreateFunction creates a Lambda function with code, a runtime and an execution "
      .. "role that the function assumes on every run. The caller must be allowed to pass "
      .. "that role (iam:PassRole), so creating a function is a way to act with the role's "
      .. "permissions. Environment variables and the code itself are not in CloudTrail.",
    risks = {
      "Privilege escalation: a function with an administrative role runs whatever code its "
        .. "creator uploaded, with that role.",
      "Persistence: a function triggered by a schedule or an event keeps running after the "
        .. "creator's own access is removed.",
      "Compliance: SOC 2 CC8.1 and NIST 800-53 CM-8 (component inventory): a function "
        .. "nobody deployed is not in any inventory.",
    },
    console = {
      "1. Lambda > Functions: open the function from the alert; Code tab for what it does, "
        .. "Configuration > Triggers for what runs it.",
      "2. Configuration > Permissions: open the execution role and read its policies; an "
        .. "administrative role deserves an answer from the actor today.",
      "3. Ask the actor what the function is for and whether it should move into the "
        .. "pipeline.",
      "4. If unexplained: remove its triggers and set reserved concurrency to 0 (Configuration "
        .. "> Concurrency) to stop it running, keep it for investigation, then delete it.",
    },
    cli = {
      "aws lambda get-function --function-name <function>",
      "aws iam list-attached-role-policies --role-name <role>",
      "aws lambda list-event-source-mappings --function-name <function>",
      "aws lambda put-function-concurrency --function-name <function> "
        .. "--reserved-concurrent-executions 0",
    },
  },
  tests = {
    { name = "user creates a function with an automation role", fires = true,
      event = "samples/create_function_user.json",
      alert = { severity = "low",
                context = { role = "arn:aws:iam::111122223333:role/ops-admin-automation",
                            runtime = "python3.12", via_console = false } } },
    { name = "CloudFormation stack", fires = false, event = "samples/create_function_cfn.json" },
    { name = "release pipeline", fires = false, event = "samples/create_function_pipeline.json" },
    { name = "denied (PassRole refused)", fires = false,
      event = "samples/create_function_denied.json" },
  },
}
