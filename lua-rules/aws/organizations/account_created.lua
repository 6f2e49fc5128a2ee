-- A new member account finished being created (informational).
--
-- CreateAccountResult is the service event Organizations records when an
-- account creation completes. It carries the new account id but not who
-- asked (that is the CreateAccount call, aws.organizations.create_account),
-- so this is an inventory signal: a new account exists. Only SUCCEEDED
-- counts; a FAILED creation made nothing. serviceEventDetails is an object
-- in CloudTrail files, but some exports carry it as JSON text: both are
-- read.
local data = require "vigil.data"

local function status(e)
  local d = data.doc(e.serviceEventDetails)
  return d and type(d.createAccountStatus) == "table" and d.createAccountStatus or {}
end

rule {
  id = "aws.organizations.account_created",
  title = "New AWS account created in the organization",
  severity = "info",
  description = "AWS Organizations finished creating a new member account.",
  tags = { "attack.t1136.003", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create.html",
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccountStatus.html",
    "https://attack.mitre.org/techniques/T1136/003/",
  },
  on = { eventSource = "organizations.amazonaws.com", eventName = "CreateAccountResult" },
  when = function(e)
    return status(e).state == "SUCCEEDED"
  end,
  output = "New account created in organization of {account}",
  context = function(e)
    local s = status(e)
    return { new_account = s.accountId, account_name = s.accountName, request_id = s.id }
  end,
  runbook = {
    about = "The organization now has a new member account (context new_account). Its "
      .. "creator is in the matching CreateAccount event (same request id), which vigil "
      .. "raises as aws.organizations.create_account.",
    risks = {
      "An account nobody planned is a place to hide resources and persistence.",
      "New accounts start without your account-level alarms unless they are applied "
        .. "organization-wide.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 4.15 (alarm on AWS Organizations "
        .. "changes), SOC 2 CC6.2.",
    },
    console = {
      "1. AWS Organizations > AWS accounts: open the new account; check its email and OU.",
      "2. CloudTrail > Event history: Event name = CreateAccount, to find who asked.",
      "3. If unplanned, follow the create_account runbook (quarantine OU, then close).",
    },
    cli = {
      "aws organizations describe-account --account-id <account-id>",
      "aws organizations describe-create-account-status "
        .. "--create-account-request-id <request-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=CreateAccount",
    },
  },
  tests = {
    { name = "creation succeeded", fires = true, event = "samples/create_account_result.json",
      alert = { severity = "info",
                context = { new_account = "777788889999", account_name = "sandbox-42",
                            request_id = "car-5a2f1e9c7b3d4e6f8a0b1c2d3e4f5a6b" } } },
    { name = "creation failed", fires = false,
      event = "samples/create_account_result_failed.json" },
    { name = "details logged as JSON text", fires = true,
      event = { eventSource = "organizations.amazonaws.com", eventName = "CreateAccountResult",
                eventTime = "2024-06-11T10:00:00Z", eventType = "AwsServiceEvent",
                serviceEventDetails = "{\"createAccountStatus\": {\"accountId\": "
                  .. "\"777788889999\", \"state\": \"SUCCEEDED\"}}" } },
  },
}
