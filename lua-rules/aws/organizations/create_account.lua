-- A new member account requested (CreateAccount).
--
-- New accounts are where an attacker with management-account access hides:
-- outside existing budgets, alarms and reviews, with an admin role they
-- chose. The request names who asked; aws.organizations.account_created
-- reports the completion (with the new account id). Account vending through
-- AWS services (Control Tower, Service Catalog show as invokedBy) is
-- routine: quiet, like other medium rules. A failed call created nothing:
-- quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.organizations.create_account",
  title = "New AWS account requested in the organization",
  severity = "medium",
  description = "A principal in the management account asked AWS Organizations to create "
    .. "a new member account.",
  tags = { "attack.t1136.003", "attack.persistence", "attack.t1583",
          "attack.resource_development" },
  references = {
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html",
    "https://attack.mitre.org/techniques/T1136/003/",
  },
  on = { eventSource = "organizations.amazonaws.com",
         eventName = { "CreateAccount", "CreateGovCloudAccount" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} requested new account {requestParameters.accountName} "
    .. "({requestParameters.email})",
  context = function(e)
    return { request_id = e["responseElements.createAccountStatus.id"],
             role_name = e["requestParameters.roleName"], via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "CreateAccount starts the creation of a member account with the given email "
      .. "and name, and an IAM role (OrganizationAccountAccessRole unless named otherwise) "
      .. "that the management account can assume into it with full rights. Creation "
      .. "finishes a few minutes later (the CreateAccountResult event).",
    risks = {
      "Persistence: an account the attacker controls inside your organization, reachable "
        .. "from the management account through its admin role.",
      "Resource hijacking: new accounts run workloads (mining, spam) billed to you, "
        .. "outside the alarms set up in existing accounts.",
      "Governance: the CIS AWS Foundations Benchmark monitoring section includes an "
        .. "alarm on AWS Organizations changes.",
    },
    console = {
      "1. AWS Organizations > AWS accounts: find the new account by name or email.",
      "2. Ask the actor and your cloud platform team whether it was requested; check the "
        .. "email domain is yours.",
      "3. If not: move it to a quarantine OU with a deny-all SCP, then close it "
        .. "(Account > Close account).",
      "4. CloudTrail > Event history in the management account: review the actor's other "
        .. "calls, such as AssumeRole into the new account.",
    },
    cli = {
      "aws organizations describe-create-account-status "
        .. "--create-account-request-id <request-id>",
      "aws organizations list-accounts",
      "aws organizations move-account --account-id <account-id> "
        .. "--source-parent-id <parent-id> --destination-parent-id <quarantine-ou-id>",
      "aws organizations close-account --account-id <account-id>",
    },
  },
  tests = {
    { name = "sandbox account requested", fires = true, event = "samples/create_account.json",
      alert = { context = { request_id = "car-5a2f1e9c7b3d4e6f8a0b1c2d3e4f5a6b",
                            role_name = "OrganizationAccountAccessRole",
                            via_console = true } } },
    { name = "denied call", fires = false, event = "samples/create_account_denied.json" },
    { name = "completion event is account_created's", fires = false,
      event = "samples/create_account_result.json" },
  },
}
