-- An SQS queue policy opened to everyone or to other accounts.
--
-- A queue policy with a wildcard principal and no condition scoping the
-- caller lets any AWS account send, read or purge messages as the statement
-- allows (critical); named accounts that are not ours (nor in
-- vigil.data.trusted_accounts) are outside access (high). Policies that let
-- an S3 bucket or SNS topic deliver are scoped by aws:SourceArn or
-- aws:SourceAccount and stay quiet. Read on SetQueueAttributes and
-- CreateQueue (attributes.Policy, logged as a string or an object). Failed
-- calls stay quiet; stacks are not skipped (open is open).
local aws = require "vigil.aws"
local data = require "vigil.data"

local function exposure(e)
  return data.policy_exposure(e, e["requestParameters.attributes.Policy"])
end

local function set(policy, opts)
  return { eventSource = "sqs.amazonaws.com", eventName = opts.name or "SetQueueAttributes",
           eventTime = "2024-03-14T12:50:00Z", recipientAccountId = "111122223333",
           errorCode = opts.err,
           userIdentity = { type = "IAMUser", accountId = "111122223333",
                            arn = "arn:aws:iam::111122223333:user/alice" },
           requestParameters = {
             queueUrl = "https://sqs.us-east-1.amazonaws.com/111122223333/orders",
             attributes = { Policy = policy } } }
end

local PUBLIC = '{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow",'
  .. '"Principal":"*","Action":"sqs:*","Resource":"*"}]}'
local FROM_BUCKET = '{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow",'
  .. '"Principal":{"Service":"s3.amazonaws.com"},"Action":"sqs:SendMessage",'
  .. '"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::orders-uploads"}}}]}'
local WILD_SOURCE = '{"Version":"2012-10-17","Statement":[{"Sid":"AnySns","Effect":"Allow",'
  .. '"Principal":"*","Action":"sqs:SendMessage",'
  .. '"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}}]}'
local OTHER = '{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow",'
  .. '"Principal":{"AWS":"444455556666"},"Action":"sqs:ReceiveMessage"}]}'

rule {
  id = "aws.sqs.queue_policy_opened",
  title = "SQS queue policy opened to everyone or to another account",
  severity = function(e)
    local x = exposure(e)
    return (x and x.public) and "critical" or "high"
  end,
  description = "A queue policy set by SetQueueAttributes or CreateQueue allows any principal "
    .. "without a scoping condition, or names AWS accounts outside your own.",
  tags = { "attack.t1530", "attack.collection", "attack.t1098", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/"
      .. "API_SetQueueAttributes.html",
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
      .. "sqs-basic-examples-of-sqs-policies.html",
  },
  on = { eventSource = "sqs.amazonaws.com",
         eventName = { "SetQueueAttributes", "CreateQueue" } },
  when = function(e)
    return exposure(e) ~= nil
  end,
  output = "{actor} set an SQS queue policy that lets in outsiders ({event_name})",
  context = function(e)
    local x = exposure(e)
    return { queue = e["requestParameters.queueUrl"] or e["requestParameters.queueName"],
             public = x.public, statements = data.nonempty(x.public and x.sids or {}),
             other_accounts = data.nonempty(x.accounts),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "The Policy attribute of an SQS queue is its resource policy. The one just set "
      .. "lets any principal (\"*\" with no condition narrowing it to your accounts, "
      .. "organization or a source ARN) or accounts that are not yours call the SQS actions "
      .. "it lists: SendMessage (inject work), ReceiveMessage (read and remove your messages), "
      .. "PurgeQueue, or sqs:*.",
    risks = {
      "Data exposure: messages (orders, events, sometimes tokens) read by outsiders.",
      "Integrity: forged messages processed by your consumers as if they were yours.",
      "Compliance: AWS Foundational Security Best Practices SQS controls, SOC 2 CC6.1, "
        .. "PCI DSS 7.2.",
    },
    console = {
      "1. Amazon SQS > Queues: open the queue, Access policy tab.",
      "2. Find the open statements and outside accounts; ask the actor whether they are "
        .. "intended.",
      "3. If not: Edit, remove them or add a condition (aws:SourceArn, aws:PrincipalOrgID), "
        .. "Save.",
      "4. Check the queue's consumers for unexpected messages since the change.",
    },
    cli = {
      "aws sqs get-queue-attributes --queue-url <queue-url> --attribute-names Policy",
      "aws sqs set-queue-attributes --queue-url <queue-url> "
        .. "--attributes file://<fixed-attributes.json>",
    },
  },
  tests = {
    { name = "Principal * with no condition", fires = true, event = set(PUBLIC, {}),
      alert = { severity = "critical", context = { public = true, statements = { "Open" },
        queue = "https://sqs.us-east-1.amazonaws.com/111122223333/orders" } } },
    { name = "created open", fires = true, event = set(PUBLIC, { name = "CreateQueue" }) },
    { name = "another account may read", fires = true, event = set(OTHER, {}),
      alert = { severity = "high", context = { public = false,
        other_accounts = { "444455556666" },
        queue = "https://sqs.us-east-1.amazonaws.com/111122223333/orders" } } },
    { name = "source ARN with a wildcard account is still open", fires = true,
      event = set(WILD_SOURCE, {}) },
    { name = "S3 notifications scoped by source ARN", fires = false,
      event = set(FROM_BUCKET, {}) },
    { name = "denied", fires = false, event = set(PUBLIC, { err = "AccessDenied" }) },
    { name = "other attributes only", fires = false,
      event = { eventSource = "sqs.amazonaws.com", eventName = "SetQueueAttributes",
                eventTime = "2024-03-14T12:50:00Z",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/a" },
                requestParameters = { queueUrl = "https://sqs.us-east-1.amazonaws.com/1/q",
                                      attributes = { VisibilityTimeout = "60" } } } },
  },
}
