-- An SNS topic policy opened to everyone or to other accounts.
--
-- A topic policy with a wildcard principal and no condition scoping the
-- caller lets any AWS account publish to the topic (phishing or forged
-- alerts to every subscriber) or subscribe to it (a copy of every message)
-- (critical); named accounts that are not ours (nor in
-- vigil.data.trusted_accounts) are outside access (high). The default topic
-- policy (AWS "*" scoped by AWS:SourceOwner to the account) stays quiet.
-- Read on SetTopicAttributes (attributeName Policy) and CreateTopic
-- (attributes.Policy). Failed calls stay quiet; stacks are not skipped.
local aws = require "vigil.aws"
local data = require "vigil.data"
local cases = require "vigil.cases"

local function policy(e)
  if e.eventName == "SetTopicAttributes" then
    return e["requestParameters.attributeName"] == "Policy"
      and e["requestParameters.attributeValue"] or nil
  end
  return e["requestParameters.attributes.Policy"]
end

local function exposure(e)
  local p = policy(e)
  return p and data.policy_exposure(e, p) or nil
end

local function set(p, opts)
  return { eventSource = "sns.amazonaws.com", eventName = "SetTopicAttributes",
           eventTime = "2024-03-14T13:00:00Z", recipientAccountId = "111122223333",
           errorCode = opts.err,
           userIdentity = { type = "IAMUser", accountId = "111122223333",
                            arn = "arn:aws:iam::111122223333:user/alice" },
           requestParameters = { topicArn = "arn:aws:sns:us-east-1:111122223333:alerts",
                                 attributeName = opts.attr or "Policy", attributeValue = p } }
end

local PUBLIC = '{"Version":"2012-10-17","Statement":[{"Sid":"AnyPublish","Effect":"Allow",'
  .. '"Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],'
  .. '"Resource":"arn:aws:sns:us-east-1:111122223333:alerts"}]}'
local DEFAULT = '{"Version":"2008-10-17","Statement":[{"Sid":"__default_statement_ID",'
  .. '"Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],'
  .. '"Resource":"arn:aws:sns:us-east-1:111122223333:alerts","Condition":{"StringEquals":'
  .. '{"AWS:SourceOwner":"111122223333"}}}]}'
local OTHER = '{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow",'
  .. '"Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"SNS:Subscribe"}]}'

rule {
  id = "aws.sns.topic_policy_opened",
  title = "SNS topic policy opened to everyone or to another account",
  severity = function(e)
    local x = exposure(e)
    return (x and x.public) and "critical" or "high"
  end,
  description = "A topic policy set by SetTopicAttributes or CreateTopic allows any principal "
    .. "without a scoping condition, or names AWS accounts outside your own.",
  tags = { "attack.t1530", "attack.collection", "attack.t1098", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html",
    "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
  },
  on = { eventSource = "sns.amazonaws.com",
         eventName = { "SetTopicAttributes", "CreateTopic" } },
  when = function(e)
    return exposure(e) ~= nil
  end,
  output = "{actor} set an SNS topic policy that lets in outsiders ({event_name})",
  context = function(e)
    local x = exposure(e)
    return { topic = e["requestParameters.topicArn"] or e["requestParameters.name"],
             public = x.public, statements = data.nonempty(x.public and x.sids or {}),
             other_accounts = data.nonempty(x.accounts) }
  end,
  runbook = {
    about = "An SNS topic's Policy attribute says who may publish to it, subscribe to it or "
      .. "change it. The policy just set lets any principal (with no condition such as "
      .. "AWS:SourceOwner, aws:SourceArn or aws:PrincipalOrgID narrowing it) or accounts "
      .. "that are not yours do so.",
    risks = {
      "Data exposure: an outside subscription receives a copy of every message.",
      "Integrity and phishing: forged messages published to your subscribers (people, "
        .. "queues, functions).",
      "Compliance: AWS Foundational Security Best Practices SNS controls, SOC 2 CC6.1.",
    },
    console = {
      "1. Amazon SNS > Topics: open the topic, Access policy tab.",
      "2. Find the open statements and outside accounts; ask the actor whether intended.",
      "3. If not: Edit, remove them or add a scoping condition, Save changes.",
      "4. Subscriptions tab: delete subscriptions to endpoints you do not own.",
    },
    cli = {
      "aws sns get-topic-attributes --topic-arn <topic-arn> --query Attributes.Policy",
      "aws sns set-topic-attributes --topic-arn <topic-arn> --attribute-name Policy "
        .. "--attribute-value file://<fixed-policy.json>",
      "aws sns list-subscriptions-by-topic --topic-arn <topic-arn>",
      "aws sns unsubscribe --subscription-arn <subscription-arn>",
    },
  },
  tests = {
    { name = "anyone may publish and subscribe", fires = true, event = set(PUBLIC, {}),
      alert = { severity = "critical", context = { public = true,
        statements = { "AnyPublish" }, topic = "arn:aws:sns:us-east-1:111122223333:alerts" } } },
    { name = "another account may subscribe", fires = true, event = set(OTHER, {}),
      alert = { severity = "high" } },
    { name = "default policy scoped by SourceOwner", fires = false, event = set(DEFAULT, {}) },
    { name = "denied", fires = false, event = set(PUBLIC, { err = "AuthorizationError" }) },
    { name = "another attribute", fires = false,
      event = set("arn:aws:iam::111122223333:role/sns-log", { attr = "DeliveryPolicy" }) },
    { name = "opened through a CloudFormation stack still fires", fires = true,
      event = cases.through_stack(set(PUBLIC, {})) },
  },
}
