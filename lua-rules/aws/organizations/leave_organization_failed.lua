-- A refused attempt to leave the AWS organization.
--
-- Nothing changed (an SCP or the caller's permissions stopped it), but the
-- attempt is itself the signal, as with failed trail tampering: legitimate
-- administrators do not try to leave by accident. Any errorCode fires.
local aws = require "vigil.aws"

rule {
  id = "aws.organizations.leave_organization_failed",
  title = "Failed attempt to leave the AWS organization",
  severity = "medium",
  description = "A LeaveOrganization call was refused or failed: someone tried to take the "
    .. "account out of its organization.",
  tags = { "attack.t1562", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html",
    "https://docs.aws.amazon.com/organizations/latest/userguide/"
      .. "orgs_manage_policies_scps_examples_general.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "organizations.amazonaws.com", eventName = "LeaveOrganization" },
  when = function(e)
    return aws.failed(e)
  end,
  output = "{actor} tried to take account {account} out of its organization and got "
    .. "{errorCode}",
  context = function(e)
    return { error_code = e.errorCode, error_message = e.errorMessage }
  end,
  runbook = {
    about = "A LeaveOrganization call failed, usually with AccessDenied from the caller's "
      .. "policies or from an SCP that forbids leaving. The account is still a member, but "
      .. "the caller tried to escape the organization's guardrails.",
    risks = {
      "Intent to evade defenses: the same actor may look for other ways around SCPs or "
        .. "logging.",
      "A compromised administrator: the failed call is often the only visible step of an "
        .. "intrusion so far.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 4.15 (alarm on AWS Organizations "
        .. "changes); SCPs and central logging are the preventive controls an account that "
        .. "leaves would lose (SOC 2 CC6.1).",
    },
    console = {
      "1. Ask the actor's owner whether they ran this; compare source IP and user agent.",
      "2. CloudTrail > Event history: filter on User name = the actor; look for other "
        .. "refused calls and for IAM or logging changes.",
      "3. If nobody owns up, treat the credentials as compromised: deactivate the user's "
        .. "access keys or revoke the role's sessions.",
      "4. Keep (or add) an SCP denying organizations:LeaveOrganization for member accounts.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
      "aws organizations list-policies-for-target --target-id <account-id> "
        .. "--filter SERVICE_CONTROL_POLICY",
      "aws iam put-role-policy --role-name <role> --policy-name AWSRevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
    },
  },
  tests = {
    { name = "AccessDenied", fires = true, event = "samples/leave_organization_denied.json",
      alert = { context = { error_code = "AccessDenied",
                            error_message = "User: arn:aws:sts::111122223333:assumed-role/"
                              .. "member-admin/ops-oncall is not authorized to perform: "
                              .. "organizations:LeaveOrganization on resource: * because no "
                              .. "identity-based policy allows the "
                              .. "organizations:LeaveOrganization action" } } },
    { name = "success is leave_organization's", fires = false,
      event = "samples/leave_organization.json" },
  },
}
