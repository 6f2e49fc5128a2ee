-- An ECR repository policy opened to everyone or to other accounts.
--
-- A private repository holds your images: application code, baked-in
-- configuration and, too often, secrets in layers. A policy statement with a
-- wildcard principal that no condition scopes lets any AWS account pull
-- (critical); named accounts that are not ours (nor in
-- vigil.data.trusted_accounts) can pull or push as the statement allows
-- (high). Read by vigil.data.policy_access like the S3, KMS and Secrets
-- Manager policies. Failed calls stay quiet; AWS services are not skipped:
-- a repository opened by a stack is just as open.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function exposure(e)
  return data.policy_exposure(e, e["requestParameters.policyText"])
end

local function set_policy(policy, opts)
  return { eventSource = "ecr.amazonaws.com", eventName = "SetRepositoryPolicy",
           eventTime = "2024-03-14T12:00:00Z", recipientAccountId = "111122223333",
           errorCode = opts.err,
           userIdentity = { type = "IAMUser", accountId = "111122223333",
                            arn = "arn:aws:iam::111122223333:user/alice",
                            invokedBy = opts.by },
           requestParameters = { repositoryName = "orders-api", policyText = policy } }
end

local PUBLIC = '{"Version":"2012-10-17","Statement":[{"Sid":"PublicPull","Effect":"Allow",'
  .. '"Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}'
local OTHER = '{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow",'
  .. '"Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*"}]}'
local OWN = '{"Version":"2012-10-17","Statement":[{"Sid":"Ci","Effect":"Allow",'
  .. '"Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"ecr:*"}]}'
local ORG = '{"Version":"2012-10-17","Statement":[{"Sid":"Org","Effect":"Allow",'
  .. '"Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":'
  .. '{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}'

rule {
  id = "aws.ecr.repository_policy_opened",
  title = "ECR repository policy opened to everyone or to another account",
  severity = function(e)
    local x = exposure(e)
    return (x and x.public) and "critical" or "high"
  end,
  description = "SetRepositoryPolicy gave a private ECR repository a policy allowing any "
    .. "principal without a scoping condition, or naming accounts outside your own.",
  tags = { "attack.t1530", "attack.collection", "attack.t1525", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html",
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
  },
  on = { eventSource = "ecr.amazonaws.com", eventName = "SetRepositoryPolicy" },
  when = function(e)
    return exposure(e) ~= nil
  end,
  output = "{actor} set a policy on ECR repository {requestParameters.repositoryName} that "
    .. "lets in outsiders",
  context = function(e)
    local x = exposure(e)
    return { public = x.public, statements = data.nonempty(x.sids),
             other_accounts = data.nonempty(x.accounts),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "SetRepositoryPolicy replaces a repository's resource policy. The new one lets "
      .. "any AWS principal (\"*\" with no condition narrowing it to your organization, "
      .. "accounts or networks) or accounts that are not yours call the ECR actions it lists: "
      .. "pulling images (BatchGetImage, GetDownloadUrlForLayer) or even pushing.",
    risks = {
      "Data exposure: images carry your code, dependencies and often credentials left in "
        .. "layers or environment variables.",
      "Supply chain and persistence: with push rights an outside account can replace an "
        .. "image your services deploy (implant an internal image, ATT&CK T1525).",
      "Compliance: AWS Foundational Security Best Practices ECR controls, SOC 2 CC6.1, "
        .. "PCI DSS 7.2 (least privilege).",
    },
    console = {
      "1. Amazon ECR > Private registry > Repositories: open the repository, Permissions.",
      "2. Find the statements named in the alert and the outside account ids; ask the actor "
        .. "whether they are intended.",
      "3. If not: Edit policy JSON, remove them (or add an aws:PrincipalOrgID condition), Save.",
      "4. Images: check recent pushes (image tags, pushed-at times) for images you did not "
        .. "build.",
      "5. CloudTrail > Event history: look for BatchGetImage and PutImage from other "
        .. "accounts on the repository since the change.",
    },
    cli = {
      "aws ecr get-repository-policy --repository-name <repository>",
      "aws ecr delete-repository-policy --repository-name <repository>",
      "aws ecr set-repository-policy --repository-name <repository> "
        .. "--policy-text file://<fixed-policy.json>",
      "aws ecr describe-images --repository-name <repository> "
        .. "--query 'sort_by(imageDetails,&imagePushedAt)[-10:]'",
    },
  },
  tests = {
    { name = "public pull", fires = true, event = set_policy(PUBLIC, {}),
      alert = { severity = "critical", context = { public = true,
                                                   statements = { "PublicPull" } } } },
    { name = "public through CloudFormation still fires", fires = true,
      event = set_policy(PUBLIC, { by = "cloudformation.amazonaws.com" }) },
    { name = "another account", fires = true, event = set_policy(OTHER, {}),
      alert = { severity = "high", context = { public = false,
                                               other_accounts = { "444455556666" } } } },
    { name = "denied", fires = false, event = set_policy(PUBLIC, { err = "AccessDenied" }) },
    { name = "own CI role", fires = false, event = set_policy(OWN, {}) },
    { name = "scoped to our organization", fires = false, event = set_policy(ORG, {}) },
  },
}
