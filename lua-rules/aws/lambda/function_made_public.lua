-- A Lambda function's resource policy opened to everyone (AddPermission
-- with principal "*" and no scoping).
--
-- A statement for principal "*" without principalOrgID, sourceAccount or
-- sourceArn lets any AWS account (or, for lambda:InvokeFunctionUrl with
-- auth type NONE, anyone on the internet) invoke the function. Fires
-- whoever made the call, AWS services included: a public function is a
-- finding however it was deployed. Other grants are
-- aws.lambda.permission_added; failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.lambda.function_made_public",
  title = "Lambda function made public",
  severity = "high",
  description = "A principal added a statement to a Lambda function's resource policy that "
    .. "lets anyone invoke it.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1190", "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html",
    "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "lambda.amazonaws.com", eventName = net.lambda_names({ "AddPermission" }) },
  when = function(e)
    return aws.succeeded(e) and net.lambda_grant(e).public
  end,
  output = "{actor} let anyone call {requestParameters.action} on function "
    .. "{requestParameters.functionName}",
  context = function(e)
    return { statement_id = e["requestParameters.statementId"],
             url_auth = e["requestParameters.functionUrlAuthType"],
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "AddPermission adds one statement to a function's resource-based policy. With "
      .. "principal \"*\" and no condition on the caller's organization, account or source "
      .. "ARN, any AWS account may invoke the function; with lambda:InvokeFunctionUrl and "
      .. "auth type NONE, anyone who knows its URL may. Whatever the function can reach "
      .. "with its execution role is now reachable through it.",
    risks = {
      "Persistence (backdoor): an attacker exposes a function that runs their code or holds "
        .. "a powerful role, and calls it later from outside.",
      "Unauthorized access and cost: anyone can trigger the function and its side effects.",
      "Compliance: AWS Foundational Security Best Practices control Lambda.1 (Lambda "
        .. "function policies should prohibit public access).",
    },
    console = {
      "1. Lambda > Functions: open the function from the alert, Configuration > Permissions, "
        .. "Resource-based policy statements, and find the statement ID from the alert.",
      "2. Unless it is a deliberate public endpoint, select it and choose Delete.",
      "3. Code tab and Configuration > Permissions > Execution role: check what the function "
        .. "does and what its role allows.",
      "4. CloudWatch > Log groups > /aws/lambda/<function>: look for invocations since the "
        .. "alert time.",
      "5. CloudTrail > Event history: filter on User name = the actor for code and "
        .. "configuration changes to the same function.",
    },
    cli = {
      "aws lambda get-policy --function-name <function>",
      "aws lambda remove-permission --function-name <function> --statement-id <statement-id>",
      "aws lambda get-function-configuration --function-name <function>",
      "aws logs tail /aws/lambda/<function> --since 1h",
    },
  },
  tests = {
    { name = "principal * from the CLI", fires = true,
      event = "samples/add_permission_public.json",
      alert = { severity = "high",
                context = { statement_id = "public-invoke", via_console = false } } },
    { name = "public function URL permission from the console", fires = true,
      event = "samples/add_permission_public_url.json" },
    { name = "principal * limited to the organization", fires = false,
      event = "samples/add_permission_public_org.json" },
    { name = "named account is permission_added", fires = false,
      event = "samples/add_permission_other_account.json" },
    { name = "denied call", fires = false, event = "samples/add_permission_public_denied.json" },
  },
}
