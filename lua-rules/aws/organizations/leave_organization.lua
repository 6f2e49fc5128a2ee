-- A member account left its AWS organization.
--
-- LeaveOrganization takes the account out from under every service control
-- policy, the organization trail and the delegated security services in
-- one call. Fires whoever made it (no AWS service leaves for you). Refused
-- attempts have their own, lower rule: aws.organizations.leave_organization_failed.
local aws = require "vigil.aws"

rule {
  id = "aws.organizations.leave_organization",
  title = "Account left its AWS organization",
  severity = "critical",
  description = "A member account removed itself from its AWS organization, leaving the "
    .. "organization's guardrails and central logging.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1666",
           "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "organizations.amazonaws.com", eventName = "LeaveOrganization" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} took account {account} out of its AWS organization",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "LeaveOrganization detaches a member account from its organization. From that "
      .. "moment no service control policy limits it, the organization's CloudTrail trail "
      .. "and delegated services (GuardDuty, Security Hub, Config aggregation) stop "
      .. "covering it, and its bill is its own. Member accounts rarely leave outside a "
      .. "planned migration.",
    risks = {
      "Defense evasion: every SCP guardrail (no region hopping, no disabling of logging, "
        .. "no leaving) stops applying, so the next steps are unrestricted.",
      "Loss of visibility: organization-level logging and security services no longer "
        .. "see the account.",
      "Governance: changes to AWS Organizations membership warrant an alarm (the CIS AWS "
        .. "Foundations Benchmark monitoring section includes AWS Organizations changes).",
    },
    console = {
      "1. From the management account: AWS Organizations > AWS accounts; confirm the "
        .. "account is gone.",
      "2. Ask the account owner whether a migration was planned.",
      "3. If not: the account's administrators are compromised. Invite it back "
        .. "(Organizations > AWS accounts > Add an AWS account > Invite) and have someone "
        .. "with the account's root credentials accept; meanwhile restrict it from inside "
        .. "(IAM, CloudTrail trail of its own).",
      "4. CloudTrail in the account (Event history): review what the actor did before and "
        .. "after leaving.",
    },
    cli = {
      "aws organizations list-accounts",
      "aws organizations invite-account-to-organization --target Id=<account-id>,Type=ACCOUNT",
      "aws organizations accept-handshake --handshake-id <handshake-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
    },
  },
  tests = {
    { name = "member admin leaves", fires = true, event = "samples/leave_organization.json",
      alert = { severity = "critical" } },
    { name = "refused attempt is leave_organization_failed's", fires = false,
      event = "samples/leave_organization_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/leave_organization_cfn.json" },
  },
}
