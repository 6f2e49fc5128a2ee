-- Lambda function code replaced by a person rather than the pipeline.
--
-- Deployment pipelines update function code all day; a person doing it by
-- hand bypasses review and is how backdoors get into functions. "A person"
-- is vigil.net is_human: IAM users, root, federated users, IAM Identity
-- Center sessions and console sessions, minus automation (AWS services,
-- infrastructure-as-code user agents, deployment identities). Other role
-- sessions (CI runners, workloads) stay quiet. Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.lambda.function_code_updated",
  title = "Lambda function code updated by a person",
  severity = "medium",
  description = "A person replaced the code of a Lambda function outside the deployment "
    .. "pipeline.",
  tags = { "attack.t1525", "attack.persistence", "attack.t1059", "attack.execution" },
  references = {
    "https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html",
    "https://attack.mitre.org/techniques/T1525/",
  },
  on = { eventSource = "lambda.amazonaws.com",
         eventName = net.lambda_names({ "UpdateFunctionCode" }) },
  when = function(e)
    return aws.succeeded(e) and net.is_human(e)
  end,
  output = "{actor} replaced the code of function {requestParameters.functionName}",
  context = function(e)
    return { via_console = aws.is_console(e), sha256 = e["responseElements.codeSha256"],
             role = e["responseElements.role"] }
  end,
  runbook = {
    about = "UpdateFunctionCode uploads a new deployment package (or points the function at "
      .. "a new image) for the $LATEST version. The next invocation runs the new code with "
      .. "the function's execution role. CloudTrail records the new code hash "
      .. "(codeSha256), not the code.",
    risks = {
      "Persistence and execution: injected code runs on every trigger with the execution "
        .. "role's permissions, and can read every event and secret the function receives.",
      "Change control: code deployed by hand is not what the repository and the pipeline "
        .. "show.",
      "Compliance: SOC 2 CC8.1 and NIST 800-53 CM-3 / SI-7 (software integrity); PCI DSS "
        .. "6.5.1 for functions in scope.",
    },
    console = {
      "1. Lambda > Functions: open the function, Code tab, and compare the code with the "
        .. "repository (or Download the .zip and diff it).",
      "2. Versions tab and Aliases tab: check which version the live alias points to.",
      "3. Ask the actor why the code was changed by hand.",
      "4. If the change is not legitimate: redeploy the last good build from the pipeline "
        .. "(or point the alias back to the previous version), then rotate any secrets the "
        .. "function handles.",
    },
    cli = {
      "aws lambda get-function --function-name <function> --query Code.Location",
      "aws lambda list-versions-by-function --function-name <function>",
      "aws lambda update-alias --function-name <function> --name <alias> "
        .. "--function-version <good-version>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<function>",
    },
  },
  tests = {
    { name = "IAM user uploads new code", fires = true, event = "samples/update_code_user.json",
      alert = { severity = "medium",
                context = { via_console = false, role =
                              "arn:aws:iam::111122223333:role/orders-api-exec",
                            sha256 = "jdGh5OoSWM4BxAiLlIsrGblrk56I6HgERwB2VIYYgxY=" } } },
    { name = "Identity Center user from the CLI", fires = true,
      event = "samples/update_code_sso_cli.json" },
    { name = "release pipeline role", fires = false, event = "samples/update_code_pipeline.json" },
    { name = "Terraform", fires = false, event = "samples/update_code_terraform.json" },
    { name = "denied call", fires = false, event = "samples/update_code_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/update_code_user_cfn.json" },
  },
}
