-- One call decrypting a large set of SSM parameters.
--
-- GetParameters takes up to 10 names and GetParametersByPath walks a whole
-- tree; with WithDecryption either returns secrets in bulk. Applications do
-- read a handful of their own parameters in one call (two or three names, or
-- their own path one level deep), so the rule fires on what they do not:
-- 10 names in one call (the API's maximum), or a recursive decrypted walk of
-- the whole store ("/") or of a top-level path. Failed calls returned
-- nothing and stay quiet; the burst rule counts attempts. AWS services
-- acting for a stack are skipped. A dump is usually several such calls in
-- a second (real logs: 4 pages of 10 names from Stratus Red Team): one alert
-- per principal per 10 minutes, the rest counted in it.
local aws = require "vigil.aws"
local data = require "vigil.data"

-- GetParameters naming this many parameters or more is a bulk read.
local MANY_NAMES = 10

local function bulk(e)
  local path = e["requestParameters.path"]
  if e.eventName == "GetParameters" then
    return #data.parameter_names(e) >= MANY_NAMES
  end
  -- "/" or "/prod": at most one segment below the root, recursively.
  return type(path) == "string" and data.is_true(e["requestParameters.recursive"])
    and path:match("^/?[^/]*/?$") ~= nil
end

rule {
  id = "aws.ssm.bulk_parameter_decryption",
  title = "Many SSM parameters decrypted in one call",
  severity = "medium",
  description = "GetParameters decrypted 10 parameters at once, or GetParametersByPath "
    .. "decrypted a top-level tree recursively.",
  tags = { "attack.t1552", "attack.t1552.007", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html",
    "https://docs.aws.amazon.com/systems-manager/latest/APIReference/"
      .. "API_GetParametersByPath.html",
  },
  on = { eventSource = "ssm.amazonaws.com",
         eventName = { "GetParameters", "GetParametersByPath" } },
  when = function(e)
    return aws.succeeded(e) and data.decrypts(e) and not aws.is_aws_service(e) and bulk(e)
  end,
  dedup = { window = "10m" },
  output = "{actor} decrypted SSM parameters in bulk ({event_name})",
  context = function(e)
    local names = data.parameter_names(e)
    return { parameters = data.nonempty(names), count = #names }
  end,
  runbook = {
    about = "With WithDecryption=true, GetParameters returns up to 10 named SecureString "
      .. "parameters in plaintext and GetParametersByPath returns every parameter under a "
      .. "path (all of them from \"/\" with Recursive). This call read the maximum number of "
      .. "names, or a whole top-level tree: a dump of stored secrets rather than one "
      .. "workload fetching its own settings.",
    risks = {
      "Credential access: many stored passwords and keys disclosed in one call.",
      "Lateral movement using those credentials.",
      "Compliance: PCI DSS 7.2 (least privilege on stored credentials), SOC 2 CC6.1.",
    },
    console = {
      "1. CloudTrail > Event history: open the event; requestParameters lists the names or "
        .. "path read.",
      "2. Confirm with the principal's owner whether it was a planned export or migration.",
      "3. If not: deactivate its access keys or revoke the role's sessions (IAM > Roles > "
        .. "Revoke sessions).",
      "4. Systems Manager > Parameter Store: change the SecureString values read and the "
        .. "credentials at their source.",
      "5. Restrict ssm:GetParametersByPath on \"/\" and kms:Decrypt for the principal.",
    },
    cli = {
      "aws ssm describe-parameters --parameter-filters Key=Type,Values=SecureString",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws ssm put-parameter --name <name> --type SecureString --value <new-value> --overwrite",
    },
  },
  tests = {
    { name = "10 names decrypted in one call", fires = true,
      event = "samples/get_parameters_decrypted_many.json",
      alert = { severity = "medium" } },
    { name = "recursive decrypted walk from /", fires = true,
      event = "samples/get_parameters_by_path_recursive.json",
      alert = { context = { parameters = { "/*" }, count = 1 } } },
    { name = "two bulk calls a second apart: one alert", fires = false, alerts = 1,
      events = { "samples/get_parameters_decrypted_many.json",
                 "samples/get_parameters_by_path_recursive.json" } },
    { name = "an app reading two of its own", fires = false,
      event = "samples/get_parameters_decrypted_two.json" },
    { name = "own path, one level, decrypted", fires = false,
      event = "samples/get_parameters_by_path_one_level.json" },
    { name = "plain path read", fires = false,
      event = "samples/get_parameters_by_path_plain.json" },
    { name = "denied bulk read", fires = false,
      event = { eventSource = "ssm.amazonaws.com", eventName = "GetParametersByPath",
                eventTime = "2024-03-14T11:09:50Z", errorCode = "AccessDeniedException",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { path = "/", recursive = true, withDecryption = true } } },
    { name = "CloudFormation reading a tree", fires = false,
      event = { eventSource = "ssm.amazonaws.com", eventName = "GetParametersByPath",
                eventTime = "2024-03-14T11:09:50Z",
                userIdentity = { type = "AssumedRole",
                                 invokedBy = "cloudformation.amazonaws.com" },
                requestParameters = { path = "/", recursive = true, withDecryption = true } } },
  },
}
