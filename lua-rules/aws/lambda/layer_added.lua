-- Layers attached to a Lambda function by a person rather than the pipeline.
--
-- A layer is code that Lambda unpacks next to the function's own code; a
-- layer can wrap the runtime and see every invocation. Fires on
-- UpdateFunctionConfiguration that sets layers, made by a person
-- (vigil.net is_human, as in aws.lambda.function_code_updated). Layers
-- published by another account are flagged in the context (external).
-- CloudTrail omits some parameters of this call (Environment); when the
-- request shows nothing but the function name, what changed cannot be seen,
-- and the layers in the response are taken instead. Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

-- Layer ARNs the call set: requestParameters.layers (strings), else, when
-- the request names no setting at all, responseElements.layers[].arn.
local function layers(e)
  local out = {}
  local req = e["requestParameters.layers"]
  local rp = e.requestParameters
  local only_name = true
  local resp

  if rp then
    for k in pairs(rp) do
      if k ~= "functionName" then
        only_name = false
      end
    end
  end
  if req then
    for i = 1, #req do
      out[#out + 1] = req[i]
    end
  elseif only_name then
    resp = e["responseElements.layers"]
    for i = 1, resp and #resp or 0 do
      out[#out + 1] = resp[i].arn
    end
  end
  return out
end

rule {
  id = "aws.lambda.layer_added",
  title = "Lambda layers set by a person",
  severity = "medium",
  description = "A person attached layers to a Lambda function outside the deployment "
    .. "pipeline.",
  tags = { "attack.t1525", "attack.persistence", "attack.t1574", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html",
    "https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html",
    "https://attack.mitre.org/techniques/T1525/",
  },
  on = { eventSource = "lambda.amazonaws.com",
         eventName = net.lambda_names({ "UpdateFunctionConfiguration" }) },
  when = function(e)
    return aws.succeeded(e) and #layers(e) > 0 and net.is_human(e)
  end,
  output = "{actor} set layers on function {requestParameters.functionName}",
  context = function(e)
    local l = layers(e)
    local external = false
    for _, arn in ipairs(l) do
      if not net.is_own_account(e, net.arn_account(arn)) then
        external = true
      end
    end
    return { layers = table.concat(l, ","), external = external,
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "UpdateFunctionConfiguration with Layers replaces the list of layers a function "
      .. "loads (up to five). Layer contents are extracted into /opt and run inside the "
      .. "function's process: a layer can add a runtime wrapper or extension that sees every "
      .. "event and the execution role's credentials. Layers can come from any account that "
      .. "shares them.",
    risks = {
      "Persistence and code injection: a malicious layer runs on every invocation without "
        .. "changing the function's own code, so code review of the function misses it.",
      "Credential theft: code in a layer reads the role credentials from the environment.",
      "Supply chain: a layer from another account (context external) can be changed by its "
        .. "publisher in a new version.",
      "Compliance: SOC 2 CC8.1 and NIST 800-53 SI-7 (software integrity): code from a layer"
        .. " runs with the function's role.",
    },
    console = {
      "1. Lambda > Functions: open the function, Code tab, Layers section, and check each "
        .. "layer's ARN, account and version.",
      "2. Lambda > Layers: open each unknown layer version and download its content to "
        .. "inspect it.",
      "3. If a layer is not approved: Edit the Layers section, remove it, Save; then rotate "
        .. "the secrets the function handles.",
      "4. CloudTrail > Event history: filter on User name = the actor for other changes to "
        .. "the function (UpdateFunctionCode, environment variables).",
    },
    cli = {
      "aws lambda get-function-configuration --function-name <function> --query Layers",
      "aws lambda get-layer-version-by-arn --arn <layer-version-arn>",
      "aws lambda update-function-configuration --function-name <function> "
        .. "--layers <approved-layer-arn>",
    },
  },
  tests = {
    { name = "user adds an outside account's layer", fires = true,
      event = "samples/layer_added_external.json",
      alert = { severity = "medium",
                context = { layers = "arn:aws:lambda:us-east-1:111122223333:layer:"
                              .. "orders-common:14,arn:aws:lambda:us-east-1:444455556666:"
                              .. "layer:perf-probe:3", external = true,
                            via_console = false } } },
    { name = "own layer added in the console", fires = true,
      event = "samples/layer_added_console.json",
      alert = { context = { layers = "arn:aws:lambda:us-east-1:111122223333:layer:"
                              .. "orders-common:14", external = false, via_console = true } } },
    { name = "release pipeline sets layers", fires = false,
      event = "samples/layer_added_pipeline.json" },
    { name = "timeout change on a function without layers in the request", fires = false,
      event = "samples/config_timeout_user.json" },
    { name = "denied call", fires = false, event = "samples/layer_added_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/layer_added_external_cfn.json" },
  },
}
