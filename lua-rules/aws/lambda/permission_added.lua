-- A statement added to a Lambda function's resource policy (not public).
--
-- Resource policies decide who else may invoke a function: other accounts,
-- AWS services (S3, API Gateway, EventBridge), organizations. A grant to
-- another account is a known backdoor; the context names it
-- (other_account). Public grants are aws.lambda.function_made_public. Low,
-- and quiet for AWS services acting for you (stacks wiring triggers), as
-- for the pack's other low rules. Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.lambda.permission_added",
  title = "Lambda function permission added",
  severity = "low",
  description = "A principal allowed another principal (account, service or organization) to "
    .. "invoke a Lambda function.",
  tags = { "attack.t1098", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "lambda.amazonaws.com", eventName = net.lambda_names({ "AddPermission" }) },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and not net.lambda_grant(e).public
  end,
  output = "{actor} allowed {requestParameters.principal} to call {requestParameters.action} "
    .. "on function {requestParameters.functionName}",
  context = function(e)
    local g = net.lambda_grant(e)
    return { principal = g.principal, other_account = g.other_account,
             source_arn = e["requestParameters.sourceArn"], iac = net.is_iac(e) }
  end,
  runbook = {
    about = "AddPermission adds a statement to a function's resource-based policy, letting "
      .. "the named principal invoke it (or call another Lambda action on it). Service "
      .. "principals with a source ARN are how triggers are wired; an account id means "
      .. "principals of that account can call the function directly.",
    risks = {
      "Persistence: a grant to an outside account gives it a way to run the function, and "
        .. "anything its role can do, at will.",
      "Unreviewed triggers: a new event source can feed the function data it was not "
        .. "designed for.",
      "Compliance: AWS Foundational Security Best Practices Lambda.1 (function policies "
        .. "prohibit public access) when the principal is *; SOC 2 CC6.1 otherwise.",
    },
    console = {
      "1. Lambda > Functions: open the function, Configuration > Permissions, "
        .. "Resource-based policy statements, and read the new statement.",
      "2. If the principal is an account, check it against AWS Organizations > AWS accounts "
        .. "and your partners.",
      "3. If the grant is not expected, select the statement and choose Delete.",
    },
    cli = {
      "aws lambda get-policy --function-name <function>",
      "aws lambda remove-permission --function-name <function> --statement-id <statement-id>",
      "aws organizations describe-account --account-id <account-id>",
    },
  },
  tests = {
    { name = "another account allowed to invoke", fires = true,
      event = "samples/add_permission_other_account.json",
      alert = { severity = "low",
                context = { principal = "444455556666", other_account = "444455556666",
                            iac = false } } },
    { name = "S3 trigger wired by Terraform", fires = true,
      event = "samples/add_permission_s3_terraform.json",
      alert = { context = { principal = "s3.amazonaws.com",
                            source_arn = "arn:aws:s3:::orders-uploads", iac = true } } },
    { name = "organization-scoped grant", fires = true,
      event = "samples/add_permission_public_org.json" },
    { name = "API Gateway trigger by CloudFormation", fires = false,
      event = "samples/add_permission_cfn.json" },
    { name = "public grant is function_made_public", fires = false,
      event = "samples/add_permission_public.json" },
    { name = "denied call", fires = false, event = "samples/add_permission_public_denied.json" },
  },
}
