-- One principal reading secrets in several regions within an hour.
--
-- Workloads read secrets in the region they run in; a tool that loops over
-- every region looking for secrets (or replicas) does not. Counted as
-- distinct awsRegion values of GetSecretValue and BatchGetSecretValue per
-- principal: 3 regions within an hour, one alert per principal per 6 hours.
-- Denied reads count (probing regions is the same behaviour); AWS services
-- are skipped. Multi-region deployment pipelines that read a secret per
-- region will trip it: exempt their role with an override exception.
local aws = require "vigil.aws"

local function read(minute, region, opts)
  return {
    eventSource = "secretsmanager.amazonaws.com",
    eventName = opts.batch and "BatchGetSecretValue" or "GetSecretValue",
    eventTime = string.format("2024-03-14T%02d:%02d:00Z", 10 + minute // 60, minute % 60),
    awsRegion = region,
    userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/" .. (opts.who
                     or "alice"), invokedBy = opts.service and "lambda.amazonaws.com" or nil },
    requestParameters = { secretId = "prod/app/db" },
  }
end

rule {
  id = "aws.secretsmanager.multi_region_retrieval",
  title = "Secrets read in several regions by one principal",
  severity = "medium",
  description = "One principal called GetSecretValue or BatchGetSecretValue in 3 or more "
    .. "AWS regions within an hour.",
  tags = { "attack.t1555", "attack.t1555.006", "attack.credential_access", "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html",
    "https://attack.mitre.org/techniques/T1555/006/",
  },
  on = { eventSource = "secretsmanager.amazonaws.com",
         eventName = { "GetSecretValue", "BatchGetSecretValue" } },
  when = function(e)
    return not aws.is_aws_service(e)
  end,
  distinct = { count = 3, window = "1h", field = "awsRegion" },
  dedup = { window = "6h" },
  output = "{actor} read secrets in 3 or more regions within an hour (last: {region})",
  context = function(e)
    return { last_call_denied = aws.failed(e) }
  end,
  runbook = {
    about = "The same principal retrieved (or tried to retrieve) secret values in at least "
      .. "three AWS regions within one hour. Applications read secrets where they run; "
      .. "walking through regions is how credential-harvesting tools find secrets kept "
      .. "outside the main region.",
    risks = {
      "Credential access: secrets in regions nobody watches closely are disclosed.",
      "Discovery: the caller is mapping where your workloads and their credentials live.",
      "Compliance: SOC 2 CC7.2 and PCI DSS 10.2.1 expect unusual access to credentials to be "
        .. "detected and reviewed.",
    },
    console = {
      "1. CloudTrail > Event history in each region named by the alert (switch region top "
        .. "right): filter on the actor and Event source secretsmanager.amazonaws.com.",
      "2. Confirm with the principal's owner whether a multi-region job explains it.",
      "3. If not: deactivate its access keys (IAM > Users > Security credentials) or revoke "
        .. "the role's sessions (IAM > Roles > Revoke sessions).",
      "4. Rotate the secrets read successfully, in every region.",
      "5. If it is expected, add an exception for the principal in a rules override.",
    },
    cli = {
      "aws cloudtrail lookup-events --region <region> --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws secretsmanager rotate-secret --region <region> --secret-id <secret-id>",
    },
  },
  tests = {
    { name = "three regions in 20 minutes", fires = true, alerts = 1,
      events = { read(0, "us-east-1", {}), read(10, "eu-west-1", {}),
                 read(20, "ap-southeast-2", { batch = true }) },
      alert = { severity = "medium", context = { last_call_denied = false,
                                                 distinct = { count = 3,
                                                              window_seconds = 3600 } } } },
    { name = "one region all day", fires = false,
      events = { read(0, "us-east-1", {}), read(10, "us-east-1", {}),
                 read(20, "us-east-1", {}), read(30, "us-east-1", {}) } },
    { name = "three regions over three hours", fires = false,
      events = { read(0, "us-east-1", {}), read(70, "eu-west-1", {}),
                 read(140, "ap-southeast-2", {}) } },
    { name = "three principals, one region each", fires = false,
      events = { read(0, "us-east-1", {}), read(1, "eu-west-1", { who = "bob" }),
                 read(2, "ap-southeast-2", { who = "carol" }) } },
    { name = "AWS service reading for a function", fires = false,
      events = { read(0, "us-east-1", { service = true }),
                 read(1, "eu-west-1", { service = true }),
                 read(2, "ap-southeast-2", { service = true }) } },
    { name = "denied reads in three regions count (probing)", fires = true, alerts = 1,
      events = (function()
        local out = { read(0, "us-east-1", {}), read(5, "eu-west-1", {}),
                      read(9, "sa-east-1", {}) }
        for _, e in ipairs(out) do e.errorCode = "AccessDeniedException" end
        return out
      end)(),
      alert = { context = { last_call_denied = true,
                            distinct = { count = 3, window_seconds = 3600 } } } },
  },
}
