-- An ECR repository deleted.
--
-- DeleteRepository with force removes the repository and every image in it;
-- deployments that pull those images then fail (high). Without force it only
-- succeeds on an empty repository (low). Failed calls and stacks
-- (CloudFormation) stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function forced(e)
  return data.is_true(e["requestParameters.force"])
end

local function del(opts)
  return { eventSource = "ecr.amazonaws.com", eventName = "DeleteRepository",
           eventTime = "2024-03-14T12:20:00Z", errorCode = opts.err,
           userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/alice",
                            invokedBy = opts.by },
           requestParameters = { repositoryName = "orders-api", force = opts.force } }
end

rule {
  id = "aws.ecr.repository_deleted",
  title = "ECR repository deleted",
  severity = function(e)
    return forced(e) and "high" or "low"
  end,
  description = "A principal deleted an ECR repository, with its images when forced.",
  tags = { "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html",
    "https://attack.mitre.org/techniques/T1485/",
  },
  on = { eventSource = "ecr.amazonaws.com", eventName = "DeleteRepository" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted ECR repository {requestParameters.repositoryName}",
  context = function(e)
    return { force = forced(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "DeleteRepository removes a private ECR repository. With force=true it deletes "
      .. "all the images it holds as well; ECR keeps no copy (unless replication sent them "
      .. "to another region or account).",
    risks = {
      "Impact: services that pull these images can no longer scale out or restart.",
      "Data destruction: release images you cannot rebuild exactly are gone.",
      "Compliance: SOC 2 CC8.1 (changes authorised) and availability commitments (A1.2).",
    },
    console = {
      "1. CloudTrail > Event history: confirm the deletion and check whether images were "
        .. "deleted before it (BatchDeleteImage).",
      "2. Ask the actor whether it was planned.",
      "3. If not: Amazon ECR > Create repository with the same name and settings, then "
        .. "push images again from your builds or from a replica registry.",
      "4. Restrict ecr:DeleteRepository to the pipeline role.",
    },
    cli = {
      "aws ecr create-repository --repository-name <repository> "
        .. "--image-scanning-configuration scanOnPush=true",
      "aws ecr describe-registry --query replicationConfiguration",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<repository>",
    },
  },
  tests = {
    { name = "forced deletion", fires = true, event = del({ force = true }),
      alert = { severity = "high", context = { force = true, via_console = false } } },
    { name = "empty repository", fires = true, event = del({}),
      alert = { severity = "low" } },
    { name = "denied", fires = false, event = del({ force = true, err = "AccessDenied" }) },
    { name = "stack teardown", fires = false,
      event = del({ force = true, by = "cloudformation.amazonaws.com" }) },
  },
}
