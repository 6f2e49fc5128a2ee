-- The organization's structure read (informational).
--
-- Listing the organization's accounts, roots and OUs, or describing it, is
-- how an intruder in one account learns which others exist and which one is
-- the management account. People do it in the console too, hence info.
-- AWS services and service-linked roles (Security Hub, Config, Access
-- Analyzer) read the organization all day: quiet. A refused read is still
-- discovery: it fires, with the error in the context.
--
-- Console pages of many services check in the background whether the
-- account is in an organization and who its delegated administrators are:
-- DescribeOrganization and ListDelegatedAdministrators with userAgent
-- "AWS Internal", made for a console session (sessionCredentialFromConsole,
-- which CloudTrail sets, not the caller). They are page loads, not someone
-- reading the organization (the invictus-ir capture has them from a person
-- browsing the console, docs/coverage.md): quiet. The same calls from a
-- console session otherwise, and every other read here, still fire.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

-- The calls service consoles make on their own to check membership.
local BACKGROUND = { DescribeOrganization = true, ListDelegatedAdministrators = true }

local function console_background(e)
  return BACKGROUND[e.eventName] == true and e.userAgent == "AWS Internal"
    and tostring(e.sessionCredentialFromConsole) == "true"
end

-- A read by IAM user pat, for the tests.
local function read(name, ua, from_console)
  return { eventSource = "organizations.amazonaws.com", eventName = name,
           eventTime = "2024-06-03T10:00:00Z", sourceIPAddress = "10.8.8.10",
           userAgent = ua, sessionCredentialFromConsole = from_console,
           userIdentity = { type = "IAMUser", userName = "pat",
                            arn = "arn:aws:iam::111122223333:user/pat" } }
end

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
      and not console_background(e)
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
      "Compliance: SOC 2 CC7.2 (anomalous activity detected and reviewed).",
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
    { name = "a console page checking membership", fires = false,
      event = read("DescribeOrganization", "AWS Internal", "true") },
    { name = "a console page listing delegated administrators", fires = false,
      event = read("ListDelegatedAdministrators", "AWS Internal", "true") },
    { name = "AWS Internal agent without a console session", fires = true,
      event = read("DescribeOrganization", "AWS Internal", nil) },
    { name = "accounts listed from the console", fires = true,
      event = read("ListAccounts", "AWS Internal", "true") },
    { name = "a refused read still fires", fires = true,
      event = { eventSource = "organizations.amazonaws.com",
                eventName = "DescribeOrganization", eventTime = "2024-06-03T10:00:00Z",
                sourceIPAddress = "198.51.100.45", userAgent = "Boto3/1.34.0",
                errorCode = "AccessDeniedException",
                userIdentity = { type = "IAMUser", userName = "ci-deployer",
                                 arn = "arn:aws:iam::111122223333:user/ci-deployer" } },
      alert = { context = { error_code = "AccessDeniedException", via_console = false } } },
  },
}
