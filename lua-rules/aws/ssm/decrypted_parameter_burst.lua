-- One principal decrypting many different SSM parameters in a short time.
--
-- SecureString parameters hold passwords and keys; a workload reads the
-- same few at start-up, a credential harvester (Stratus Red Team's
-- ssm-retrieve-securestring-parameters) reads many different ones once.
-- Counted per principal: 10 distinct reads with WithDecryption in 10
-- minutes, one alert per principal per hour. Plain reads (no decryption)
-- do not count. Denied attempts count: a stolen key probing parameter after
-- parameter is the same sweep. AWS services reading for you (invokedBy:
-- CloudFormation resolving {{resolve:ssm-secure}}) are skipped.
--
-- Known limit: one value per event, so GetParameters naming 10 parameters
-- counts once (its sorted names); aws.ssm.bulk_parameter_decryption covers
-- such single large reads. Counting every name needs a distinct form that
-- takes a list of values.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function read(i, step, opts)
  return {
    eventSource = "ssm.amazonaws.com", eventName = "GetParameter",
    eventTime = string.format("2024-03-14T11:%02d:%02dZ", (i - 1) * step, i),
    errorCode = opts.denied and "AccessDeniedException" or nil,
    userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/"
                     .. ((opts.two and i % 2 == 0) and "bob" or "alice"),
                     invokedBy = opts.service and "cloudformation.amazonaws.com" or nil },
    requestParameters = { name = "/prod/app/p" .. (opts.same and 1 or i),
                          withDecryption = not opts.plain },
  }
end

local function reads(n, step, opts)
  local out = {}
  for i = 1, n do
    out[i] = read(i, step, opts)
  end
  return out
end

rule {
  id = "aws.ssm.decrypted_parameter_burst",
  title = "Burst of decrypted SSM parameter reads by one principal",
  severity = "high",
  description = "One principal read 10 or more different SSM parameters with WithDecryption "
    .. "within 10 minutes.",
  tags = { "attack.t1552", "attack.t1552.007", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html",
    "https://stratus-red-team.cloud/attack-techniques/AWS/"
      .. "aws.credential-access.ssm-retrieve-securestring-parameters/",
  },
  on = { eventSource = "ssm.amazonaws.com",
         eventName = { "GetParameter", "GetParameters", "GetParametersByPath" } },
  when = function(e)
    return data.decrypts(e) and not aws.is_aws_service(e)
  end,
  distinct = { count = 10, window = "10m", field = data.parameter_target },
  dedup = { window = "1h" },
  output = "{actor} decrypted 10 or more different SSM parameters within 10 minutes",
  context = function(e)
    return { last_call_denied = aws.failed(e) }
  end,
  runbook = {
    about = "GetParameter, GetParameters and GetParametersByPath with WithDecryption=true "
      .. "return SecureString parameters in plaintext (decrypted with their KMS key). One "
      .. "principal did so for at least 10 different parameters or paths within 10 minutes, "
      .. "which is how credential harvesting looks, not how a workload reads its config.",
    risks = {
      "Credential access: database passwords, API tokens and keys stored as SecureString "
        .. "are in the caller's hands.",
      "Lateral movement with the harvested credentials, inside and outside AWS.",
      "Compliance: PCI DSS 10.2.1 and SOC 2 CC7.2 expect unusual access to stored "
        .. "credentials to be detected and investigated.",
    },
    console = {
      "1. CloudTrail > Event history: Event source = ssm.amazonaws.com, User name = the "
        .. "actor; list the parameters read and whether calls were denied.",
      "2. Infrastructure-as-code runs (Terraform refresh, a pipeline deploying many "
        .. "services) read the parameters they manage and trip this rule; confirm with the "
        .. "principal's owner whether a deployment or migration explains it.",
      "3. If not: deactivate the user's access keys (IAM > Users > Security credentials) or "
        .. "revoke the role's sessions (IAM > Roles > Revoke sessions).",
      "4. Systems Manager > Parameter Store: change every SecureString that was read, and "
        .. "the credentials at their source.",
      "5. Scope ssm:GetParameter* and kms:Decrypt in the principal's policies to the paths "
        .. "it needs.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=GetParameters --start-time <start>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws ssm put-parameter --name <name> --type SecureString --value <new-value> --overwrite",
    },
  },
  tests = {
    { name = "10 decrypted parameters in 9 minutes", fires = true, alerts = 1,
      events = reads(10, 1, {}),
      alert = { severity = "high", context = {
        last_call_denied = false, distinct = { count = 10, window_seconds = 600 } } } },
    { name = "10 plain reads", fires = false, events = reads(10, 0, { plain = true }) },
    { name = "one parameter read 12 times", fires = false,
      events = reads(12, 0, { same = true }) },
    { name = "10 over 45 minutes", fires = false, events = reads(10, 5, {}) },
    { name = "two principals, 5 each", fires = false, events = reads(10, 0, { two = true }) },
    { name = "denied attempts count", fires = true, events = reads(10, 0, { denied = true }) },
    { name = "CloudFormation resolving references", fires = false,
      events = reads(10, 0, { service = true }) },
    { name = "a single decrypted read is routine", fires = false,
      event = "samples/get_parameter_decrypted.json" },
  },
}
