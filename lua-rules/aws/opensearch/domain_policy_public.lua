-- An OpenSearch (Elasticsearch) domain access policy open to everyone.
--
-- A domain's access policy with a wildcard principal and no IP, VPC or
-- account condition lets anyone who can reach the endpoint read and write
-- the indices: for a public-endpoint domain, the whole internet (critical).
-- Inside a VPC the network still limits who reaches it (high). Read on
-- Create/Update of both APIs (es.amazonaws.com: CreateDomain,
-- UpdateDomainConfig, and the older *ElasticsearchDomain* names). Failed
-- calls stay quiet; stacks are not skipped.
--
-- Known limit: an update that does not restate the VPC options cannot tell
-- a VPC domain from a public one and is treated as public; knowing would
-- need the domain's current configuration (DescribeDomain), which a log
-- rule does not have.
local aws = require "vigil.aws"
local data = require "vigil.data"
local cases = require "vigil.cases"

local function in_vpc(e)
  local v = e["requestParameters.vPCOptions"] or e["requestParameters.vpcOptions"]
  return v ~= nil and #data.list(v.subnetIds or v.SubnetIds) > 0
end

local function exposure(e)
  local a = aws.succeeded(e) and data.policy_access(e["requestParameters.accessPolicies"])
  return (a and a.public) and a or nil
end

local function domain(policy, opts)
  return { eventSource = "es.amazonaws.com", eventName = opts.name or "UpdateDomainConfig",
           eventTime = "2024-03-14T13:10:00Z", errorCode = opts.err,
           userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/alice" },
           requestParameters = { domainName = "logs", accessPolicies = policy,
                                 vPCOptions = opts.vpc and { subnetIds = { "subnet-1" } }
                                   or nil } }
end

local OPEN = '{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow",'
  .. '"Principal":{"AWS":"*"},"Action":"es:*","Resource":"arn:aws:es:us-east-1:'
  .. '111122223333:domain/logs/*"}]}'
local BY_IP = '{"Version":"2012-10-17","Statement":[{"Sid":"Office","Effect":"Allow",'
  .. '"Principal":{"AWS":"*"},"Action":"es:ESHttp*","Resource":"*",'
  .. '"Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}'

rule {
  id = "aws.opensearch.domain_policy_public",
  title = "OpenSearch domain access policy open to everyone",
  severity = function(e)
    return in_vpc(e) and "high" or "critical"
  end,
  description = "An OpenSearch or Elasticsearch domain was created or updated with an access "
    .. "policy that allows any principal without an IP, VPC or account condition.",
  tags = { "attack.t1530", "attack.collection", "attack.t1190", "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html",
    "https://docs.aws.amazon.com/opensearch-service/latest/APIReference/"
      .. "API_UpdateDomainConfig.html",
  },
  on = { eventSource = "es.amazonaws.com",
         eventName = { "CreateDomain", "UpdateDomainConfig", "CreateElasticsearchDomain",
                       "UpdateElasticsearchDomainConfig" } },
  when = function(e)
    return exposure(e) ~= nil
  end,
  output = "{actor} opened OpenSearch domain {requestParameters.domainName} to everyone",
  context = function(e)
    return { statements = exposure(e).sids, in_vpc = in_vpc(e) }
  end,
  runbook = {
    about = "A domain's access policy decides who may call its endpoint (es:ESHttp* for the "
      .. "search and index APIs). The policy just set allows any principal with no "
      .. "condition on source IP, VPC endpoint or account: with a public endpoint, anyone "
      .. "on the internet can read, change or delete the indices without credentials.",
    risks = {
      "Data exposure: logs, customer records and anything indexed can be downloaded.",
      "Impact: indices deleted or ransomed (a common automated attack on open clusters).",
      "Compliance: AWS Foundational Security Best Practices OpenSearch controls (no "
        .. "public access), PCI DSS 1.3 (no direct public access to cardholder data), "
        .. "SOC 2 CC6.1.",
    },
    console = {
      "1. Amazon OpenSearch Service > Domains: open the domain, Security configuration tab: "
        .. "Access policy.",
      "2. Ask the actor why the policy is open.",
      "3. Edit: restrict the principal to your roles, or add an aws:SourceIp condition; "
        .. "prefer fine-grained access control or a VPC domain. Save changes.",
      "4. Check the domain's indices and slow/audit logs for access from unknown addresses.",
    },
    cli = {
      "aws opensearch describe-domain-config --domain-name <domain> "
        .. "--query DomainConfig.AccessPolicies",
      "aws opensearch update-domain-config --domain-name <domain> "
        .. "--access-policies file://<fixed-policy.json>",
    },
  },
  tests = {
    { name = "public endpoint opened", fires = true, event = domain(OPEN, {}),
      alert = { severity = "critical", context = { statements = { "Anyone" },
                                                   in_vpc = false } } },
    { name = "VPC domain opened", fires = true, event = domain(OPEN, { vpc = true }),
      alert = { severity = "high" } },
    { name = "legacy API", fires = true,
      event = domain(OPEN, { name = "CreateElasticsearchDomain" }) },
    { name = "scoped by source IP", fires = false, event = domain(BY_IP, {}) },
    { name = "denied", fires = false, event = domain(OPEN, { err = "AccessDeniedException" }) },
    { name = "update without a policy", fires = false, event = domain(nil, {}) },
    { name = "opened through a CloudFormation stack still fires", fires = true,
      event = cases.through_stack(domain(OPEN, {})) },
  },
}
