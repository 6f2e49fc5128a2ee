-- Amazon Macie member account cut off from its administrator account, or
-- the organization's delegated administrator removed.
--
-- Failed calls stay quiet; so do AWS services (Organizations and Macie
-- synchronise membership through service-linked roles).
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.macie.member_disassociated",
  title = "Amazon Macie member or administrator removed",
  severity = "medium",
  description = "A Macie member account left, or was removed by, its administrator "
    .. "account, or the organization's Macie administrator was removed.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/macie/latest/APIReference/administrator-disassociate.html",
    "https://docs.aws.amazon.com/macie/latest/APIReference/members-disassociate-id.html",
    "https://docs.aws.amazon.com/macie/latest/APIReference/admin.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "macie2.amazonaws.com",
         eventName = { "DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount",
                       "DisassociateMember", "DeleteMember",
                       "DisableOrganizationAdminAccount" } },
  when = function(e)
    return aws.succeeded(e) and not data.is_service_caller(e)
  end,
  output = "{actor} called {eventName} for Amazon Macie in {region}",
  context = function(e)
    return { account = e["requestParameters.id"] or e["requestParameters.adminAccountId"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "With several accounts, Macie members report to an administrator account "
      .. "where sensitive-data findings are reviewed. A member can leave its "
      .. "administrator; the administrator can disassociate or delete members; the "
      .. "organization's management account can remove the delegated Macie administrator, "
      .. "which disconnects every member at once.",
    risks = {
      "Defense evasion: the member's findings, and its buckets, leave the security "
        .. "team's view; the member can then pause Macie without anyone noticing.",
      "Removing the delegated administrator stops central oversight for the whole "
        .. "organization.",
      "Compliance: SOC 2 C1.1 (confidential information identified): the account's "
        .. "sensitive data is no longer in the central Macie inventory.",
    },
    console = {
      "1. In the Macie administrator account: Amazon Macie > Accounts; find the account "
        .. "from the alert and choose Actions > Add member (or enable it for the "
        .. "organization).",
      "2. If the delegated administrator was removed, in the management account go to "
        .. "Amazon Macie > Settings and designate it again.",
      "3. Review the account's Macie status and its S3 policy changes in CloudTrail > "
        .. "Event history.",
    },
    cli = {
      "aws macie2 list-members --only-associated false",
      "aws macie2 create-member --account accountId=<member-account-id>,email=<email>",
      "aws macie2 enable-organization-admin-account --admin-account-id <account-id>",
      "aws macie2 get-administrator-account",
    },
  },
  tests = {
    { name = "member leaves", fires = true, event = "samples/disassociate_from_administrator.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "administrator deletes a member", fires = true,
      event = "samples/delete_member.json",
      alert = { context = { account = "444455556666", via_console = false } } },
    { name = "delegated administrator removed", fires = true,
      event = "samples/disable_organization_admin_account.json",
      alert = { context = { account = "777788889999", via_console = false } } },
    { name = "denied call", fires = false, event = "samples/delete_member_denied.json" },
    { name = "listing members", fires = false, event = "samples/list_members.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/disassociate_from_administrator_cfn.json" },
  },
}
