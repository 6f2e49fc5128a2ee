-- Amazon Macie disabled or paused, for this account or a member.
--
-- DisableMacie, and UpdateMacieSession / UpdateMemberSession with status
-- PAUSED. Calls that only change the publishing frequency stay quiet. Macie
-- Classic (macie.amazonaws.com) records are read too. Fires for AWS services
-- as well: sensitive-data discovery stops whichever path stopped it. Failed
-- calls stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.macie.disabled",
  title = "Amazon Macie disabled or paused",
  severity = "high",
  description = "A principal disabled or paused Amazon Macie; sensitive-data discovery and "
    .. "bucket security monitoring stop.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/macie/latest/APIReference/macie.html",
    "https://docs.aws.amazon.com/macie/latest/APIReference/macie-members-id.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = { "macie2.amazonaws.com", "macie.amazonaws.com" },
         eventName = { "DisableMacie", "UpdateMacieSession", "UpdateMemberSession" } },
  when = function(e)
    if not aws.succeeded(e) then
      return false
    end
    return e.eventName == "DisableMacie" or e["requestParameters.status"] == "PAUSED"
  end,
  output = "{actor} called {eventName} for Amazon Macie in {region}",
  context = function(e)
    return { member_account = e["requestParameters.id"],
             paused = e["requestParameters.status"] == "PAUSED",
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "Amazon Macie inventories S3 buckets, watches their security (public access, "
      .. "encryption, sharing) and runs jobs that find sensitive data such as personal "
      .. "data and credentials. DisableMacie turns it off and deletes its findings, jobs "
      .. "and settings; a PAUSED status stops it while keeping them. UpdateMemberSession "
      .. "is the administrator pausing a member account (named in the alert).",
    risks = {
      "Defense evasion (disable or modify tools): buckets made public or shared, and "
        .. "sensitive data copied into new buckets, raise no Macie finding.",
      "Evidence loss: DisableMacie deletes existing findings and classification results.",
      "Compliance: data-protection programmes (for example PCI DSS, GDPR records of "
        .. "processing) that rely on Macie discovery lose their evidence.",
    },
    console = {
      "1. Amazon Macie (in the region from the alert): if it was disabled, choose Get "
        .. "started and Enable Macie; if it was paused, Settings > Suspend Macie shows "
        .. "Enable Macie.",
      "2. For a member account, sign in to the Macie administrator account, Accounts, "
        .. "select the member and choose Actions > Enable Macie.",
      "3. Recreate sensitive data discovery jobs and findings filters if they were lost.",
      "4. CloudTrail > Event history: review the actor's other calls, especially S3 "
        .. "policy and ACL changes.",
    },
    cli = {
      "aws macie2 get-macie-session --region <region>",
      "aws macie2 update-macie-session --status ENABLED --region <region>",
      "aws macie2 enable-macie --region <region>",
      "aws macie2 update-member-session --id <member-account-id> --status ENABLED",
    },
  },
  tests = {
    { name = "Macie disabled", fires = true, event = "samples/disable_macie.json",
      alert = { severity = "high", context = { paused = false, via_console = false } } },
    { name = "Macie paused", fires = true, event = "samples/update_macie_session_paused.json",
      alert = { context = { paused = true, via_console = false } } },
    { name = "administrator pauses a member", fires = true,
      event = "samples/update_member_session_paused.json",
      alert = { context = { member_account = "444455556666", paused = true,
                            via_console = false } } },
    { name = "publishing frequency changed", fires = false,
      event = "samples/update_macie_session_frequency.json" },
    { name = "denied call", fires = false, event = "samples/disable_macie_denied.json" },
  },
}
