-- The organization's structure read (informational).
--
-- Listing the organization's accounts, roots and OUs, or describing it, is
-- how an intruder in one account learns which others exist and which one is
-- the management account. People do it in the console too, hence info.
-- AWS services and service-linked roles (Security Hub, Config, Access
-- Analyzer) read the organization all day: quiet. A refused read is still
-- discovery: it fires, with the error in the context.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.organizations.discovery",
  title = "AWS organization structure read",
  severity = "info",
  description = "A principal listed or described the organization, its accounts, roots, "
    .. "OUs, policies or delegated administrators.",
  tags = { "attack.t1087.004", "attack.discovery", "attack.t1526" },
  references = {
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html",
    "https://attack.mitre.org/techniques/T1087/004/",
  },
  on = { eventSource = "organizations.amazonaws.com",
         eventName = { "DescribeOrganization", "DescribeAccount", "ListAccounts",
                       "ListRoots", "ListOrganizationalUnitsForParent",
                       "ListAccountsForParent", "ListDelegatedAdministrators",
                       "ListPolicies", "ListTargetsForPolicy" } },
  when = function(e)
    return not aws.is_aws_service(e) and not identity.is_service_linked(e)
  end,
  output = "{actor} read the organization structure ({eventName})",
  context = function(e)
    return { error_code = e.errorCode, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "Organizations read calls reveal the organization's id, its management "
      .. "account, every member account (ids, names, emails) and how they are grouped. "
      .. "Administrators make them from the console; so does an intruder planning where "
      .. "to go next.",
    risks = {
      "Cloud account discovery: the list of accounts and their emails is a map for "
        .. "lateral movement and phishing.",
      "From a member account, any answer at all tells the caller the account is in an "
        .. "organization and names the management account.",
    },
    console = {
      "1. Check the actor: an administrator, a known inventory tool, or unexpected?",
      "2. CloudTrail > Event history: filter on User name = the actor for other read "
        .. "calls in the same minutes (IAM, S3, EC2 listings suggest reconnaissance).",
      "3. If unexpected, treat the credential as compromised.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
    },
  },
  tests = {
    { name = "DescribeOrganization with an SDK", fires = true,
      event = "samples/describe_organization.json", alert = { severity = "info" } },
    { name = "ListAccounts", fires = true, event = "samples/list_accounts.json" },
    { name = "Security Hub's service-linked role", fires = false,
      event = "samples/list_accounts_security_hub.json" },
  },
}
