-- GuardDuty member account cut off from its administrator account.
--
-- Covers both sides: a member leaving (DisassociateFromAdministratorAccount,
-- and the older DisassociateFromMasterAccount) and the administrator removing
-- or no longer monitoring members (DisassociateMembers, DeleteMembers,
-- StopMonitoringMembers). Either way the central security team stops seeing
-- the member's findings. Failed calls stay quiet; so does GuardDuty's own
-- organization sync through its service-linked role.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.guardduty.member_disassociated",
  title = "GuardDuty member account disassociated",
  severity = "medium",
  description = "A GuardDuty member account was disassociated from, removed from, or no "
    .. "longer monitored by its administrator account.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/"
      .. "API_DisassociateFromAdministratorAccount.html",
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DisassociateMembers.html",
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_StopMonitoringMembers.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com",
         eventName = { "DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount",
                       "DisassociateMembers", "DeleteMembers", "StopMonitoringMembers" } },
  when = function(e)
    return aws.succeeded(e) and not data.is_service_caller(e)
  end,
  output = "{actor} called {eventName} on GuardDuty detector {requestParameters.detectorId} "
    .. "in {region}",
  context = function(e)
    return { member_accounts = data.nonempty(data.list(e["requestParameters.accountIds"])),
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "In a multi-account setup, member accounts send their GuardDuty findings to an "
      .. "administrator account where the security team works. A member can leave "
      .. "(DisassociateFromAdministratorAccount); the administrator can disassociate, "
      .. "delete or stop monitoring members. After that the member's findings stay in "
      .. "the member account only, and the member can change or suspend GuardDuty "
      .. "without the administrator seeing it.",
    risks = {
      "Defense evasion: an intruder in a member account leaves the organization's view "
        .. "before acting, so their findings never reach the security team.",
      "Governance: the administrator can no longer enforce GuardDuty settings on the "
        .. "member.",
      "Compliance: PCI DSS 11.5.1 (intrusion detection monitors the environment) and NIST "
        .. "800-53 SI-4: the member's findings no longer reach the administrator account the "
        .. "security team watches.",
    },
    console = {
      "1. In the GuardDuty administrator account: GuardDuty > Accounts; find the member "
        .. "accounts from the alert and check their status.",
      "2. Select them and choose Actions > Add member (or Associate) again; with "
        .. "AWS Organizations, turn auto-enable on so new and returning accounts rejoin.",
      "3. In the member account, check that the detector is still enabled and read the "
        .. "actor's other calls in CloudTrail > Event history.",
    },
    cli = {
      "aws guardduty list-members --detector-id <admin-detector-id> --only-associated false",
      "aws guardduty create-members --detector-id <admin-detector-id> --account-details "
        .. "AccountId=<member-account-id>",
      "aws guardduty start-monitoring-members --detector-id <admin-detector-id> "
        .. "--account-ids <member-account-id>",
      "aws guardduty get-administrator-account --detector-id <member-detector-id>",
    },
  },
  tests = {
    { name = "member leaves its administrator", fires = true,
      event = "samples/disassociate_from_administrator.json",
      alert = { severity = "medium", context = { via_console = false } } },
    { name = "administrator disassociates two members", fires = true,
      event = "samples/disassociate_members.json",
      alert = { context = { member_accounts = { "444455556666", "777788889999" },
                            via_console = false } } },
    { name = "administrator stops monitoring a member", fires = true,
      event = "samples/stop_monitoring_members.json" },
    { name = "denied call", fires = false, event = "samples/disassociate_members_denied.json" },
    { name = "GuardDuty organization sync", fires = false,
      event = "samples/delete_members_service.json" },
  },
}
