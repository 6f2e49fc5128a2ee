-- ECR image scanning turned off.
--
-- Scan on push (per repository) and the registry's scanning rules are what
-- flag vulnerable or tampered images before they run. Turning them off
-- before pushing a backdoored image is defense evasion; teams also switch
-- basic scanning off when they move to another scanner, hence low. Failed
-- calls and stacks (CloudFormation) stay quiet; enabling scanning too.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function disabled(e)
  if e.eventName == "PutImageScanningConfiguration" then
    return data.is_false(e["requestParameters.imageScanningConfiguration.scanOnPush"])
  end
  -- PutRegistryScanningConfiguration: no rules left means nothing is scanned.
  return #data.list(e["requestParameters.rules"]) == 0
end

local function call(name, params, opts)
  return { eventSource = "ecr.amazonaws.com", eventName = name,
           eventTime = "2024-03-14T12:10:00Z", errorCode = opts.err,
           userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/alice",
                            invokedBy = opts.by },
           requestParameters = params }
end

rule {
  id = "aws.ecr.scanning_disabled",
  title = "ECR image scanning disabled",
  severity = "low",
  description = "Scan on push was turned off for a repository, or the registry's scanning "
    .. "rules were emptied.",
  tags = { "attack.t1562", "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"
      .. "API_PutImageScanningConfiguration.html",
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"
      .. "API_PutRegistryScanningConfiguration.html",
  },
  on = { eventSource = "ecr.amazonaws.com",
         eventName = { "PutImageScanningConfiguration", "PutRegistryScanningConfiguration" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and disabled(e)
  end,
  output = "{actor} turned off ECR image scanning ({event_name})",
  context = function(e)
    return { repository = e["requestParameters.repositoryName"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "PutImageScanningConfiguration with scanOnPush=false stops a repository's images "
      .. "from being scanned when pushed; PutRegistryScanningConfiguration with no rules stops "
      .. "scanning across the registry (basic or Amazon Inspector enhanced scanning).",
    risks = {
      "Defense evasion: vulnerable or backdoored images are pushed and deployed without a "
        .. "finding.",
      "Compliance: AWS Foundational Security Best Practices ECR.1 (image scanning "
        .. "configured), PCI DSS 6.3.3 / 11.3 (vulnerabilities identified), SOC 2 CC7.1.",
    },
    console = {
      "1. Amazon ECR > Private registry > Settings > Scanning: check the scan type and "
        .. "rules; or open the repository > Edit: Scan on push.",
      "2. Ask the actor whether another scanner replaced ECR scanning.",
      "3. If not: turn Scan on push back on (or restore the registry rules) and Save.",
      "4. Scan recently pushed images by hand (select image > Scan).",
    },
    cli = {
      "aws ecr put-image-scanning-configuration --repository-name <repository> "
        .. "--image-scanning-configuration scanOnPush=true",
      "aws ecr get-registry-scanning-configuration",
      "aws ecr start-image-scan --repository-name <repository> --image-id imageTag=<tag>",
    },
  },
  tests = {
    { name = "scan on push off", fires = true,
      event = call("PutImageScanningConfiguration", { repositoryName = "orders-api",
        imageScanningConfiguration = { scanOnPush = false } }, {}),
      alert = { severity = "low", context = { repository = "orders-api",
                                              via_console = false } } },
    { name = "registry rules emptied", fires = true,
      event = call("PutRegistryScanningConfiguration", { scanType = "BASIC", rules = {} }, {}) },
    { name = "scan on push on", fires = false,
      event = call("PutImageScanningConfiguration", { repositoryName = "orders-api",
        imageScanningConfiguration = { scanOnPush = true } }, {}) },
    { name = "registry rule kept", fires = false,
      event = call("PutRegistryScanningConfiguration", { scanType = "ENHANCED", rules = {
        { scanFrequency = "CONTINUOUS_SCAN",
          repositoryFilters = { { filter = "*", filterType = "WILDCARD" } } } } }, {}) },
    { name = "denied", fires = false,
      event = call("PutImageScanningConfiguration", { repositoryName = "orders-api",
        imageScanningConfiguration = { scanOnPush = false } }, { err = "AccessDenied" }) },
    { name = "CloudFormation", fires = false,
      event = call("PutImageScanningConfiguration", { repositoryName = "orders-api",
        imageScanningConfiguration = { scanOnPush = false } },
        { by = "cloudformation.amazonaws.com" }) },
  },
}
