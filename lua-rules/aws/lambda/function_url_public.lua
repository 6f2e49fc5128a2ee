-- A Lambda function URL created or switched to auth type NONE.
--
-- A function URL is a dedicated HTTPS endpoint; with auth type NONE it
-- needs no AWS signature, so anyone who finds the URL can call the
-- function (the resource policy statement for lambda:InvokeFunctionUrl is
-- watched by aws.lambda.function_made_public). Fires whoever made the call,
-- AWS services included. URLs with AWS_IAM auth and failed calls stay
-- quiet. Event names are matched with and without their version suffix.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.lambda.function_url_public",
  title = "Lambda function URL without authentication",
  severity = "high",
  description = "A principal created or updated a Lambda function URL with auth type NONE, "
    .. "giving the function an unauthenticated HTTPS endpoint.",
  tags = { "attack.t1190", "attack.initial_access", "attack.t1098", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html",
    "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
    "https://attack.mitre.org/techniques/T1190/",
  },
  on = { eventSource = "lambda.amazonaws.com",
         eventName = net.lambda_names({ "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig" }) },
  when = function(e)
    return aws.succeeded(e) and e["requestParameters.authType"] == "NONE"
  end,
  output = "{actor} gave function {requestParameters.functionName} an unauthenticated URL "
    .. "{responseElements.functionUrl}",
  context = function(e)
    return { url = e["responseElements.functionUrl"], via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "CreateFunctionUrlConfig gives a function its own HTTPS endpoint "
      .. "(https://<id>.lambda-url.<region>.on.aws); UpdateFunctionUrlConfig changes its "
      .. "settings. With auth type NONE, requests are not signed: anyone who learns the URL "
      .. "can invoke the function, once the resource policy allows lambda:InvokeFunctionUrl "
      .. "for \"*\" (the console adds that statement for you).",
    risks = {
      "Unauthorized access: the function and everything its execution role can reach are "
        .. "callable from the internet.",
      "Persistence: attackers use function URLs as simple command endpoints that need no "
        .. "credentials.",
      "Compliance: AWS Foundational Security Best Practices control Lambda.1 (Lambda "
        .. "function policies should prohibit public access).",
    },
    console = {
      "1. Lambda > Functions: open the function, Configuration > Function URL, and check the "
        .. "auth type and CORS settings.",
      "2. Unless the function is meant to be a public endpoint with its own authentication, "
        .. "choose Edit, set Auth type to AWS_IAM and Save (or Delete the URL).",
      "3. Configuration > Permissions: remove the lambda:InvokeFunctionUrl statement for "
        .. "principal *.",
      "4. CloudWatch > Log groups > /aws/lambda/<function>: look for requests since the "
        .. "alert time.",
    },
    cli = {
      "aws lambda get-function-url-config --function-name <function>",
      "aws lambda update-function-url-config --function-name <function> --auth-type AWS_IAM",
      "aws lambda delete-function-url-config --function-name <function>",
      "aws lambda remove-permission --function-name <function> "
        .. "--statement-id FunctionURLAllowPublicAccess",
    },
  },
  tests = {
    { name = "URL created with auth NONE", fires = true, event = "samples/function_url_public.json",
      alert = { severity = "high",
                context = { url = "https://x3k7q2l9mzp4t8v1a6c5e0r3yw2n4b7d.lambda-url."
                              .. "us-east-1.on.aws/", via_console = false } } },
    { name = "URL switched to NONE (versioned event name)", fires = true,
      event = "samples/function_url_made_public.json" },
    { name = "IAM-authenticated URL", fires = false, event = "samples/function_url_iam.json" },
    { name = "denied call", fires = false, event = "samples/function_url_public_denied.json" },
  },
}
