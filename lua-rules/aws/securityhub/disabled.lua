-- Security Hub disabled in a region.
--
-- Fires on every successful DisableSecurityHub, AWS services included: the
-- account's findings hub goes away whichever path removed it. Failed calls
-- changed nothing and stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.securityhub.disabled",
  title = "Security Hub disabled",
  severity = "high",
  description = "A principal disabled AWS Security Hub; its standards, controls and "
    .. "findings are removed in this region.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DisableSecurityHub.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "securityhub.amazonaws.com", eventName = "DisableSecurityHub" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} disabled Security Hub in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "Security Hub gathers findings from GuardDuty, Inspector, Macie, Config and "
      .. "partner tools, and runs security standards (CIS, AWS Foundational Security Best "
      .. "Practices) against the account. DisableSecurityHub turns it off in the region: "
      .. "standards are disabled, and existing findings and insights are deleted after "
      .. "90 days and can no longer be seen. An administrator account loses the "
      .. "member's findings.",
    risks = {
      "Defense evasion (disable or modify tools): findings from every integrated "
        .. "service stop reaching the place the security team watches.",
      "Posture checks stop: misconfigurations made from now on are not reported.",
      "Compliance: CIS AWS Foundations Benchmark (Security Hub enabled) and any "
        .. "framework whose evidence comes from Security Hub standards.",
    },
    console = {
      "1. Security Hub (in the region from the alert): choose Go to Security Hub, then "
        .. "Enable Security Hub with the standards the account used before.",
      "2. In an organization, check from the delegated administrator account that the "
        .. "account is a member again and that auto-enable is on.",
      "3. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "calls, including changes to GuardDuty and Config.",
      "4. Unless the actor confirms the change, treat the credentials as compromised.",
    },
    cli = {
      "aws securityhub enable-security-hub --enable-default-standards --region <region>",
      "aws securityhub get-enabled-standards --region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --region <region>",
    },
  },
  tests = {
    { name = "Security Hub disabled", fires = true, event = "samples/disable_security_hub.json",
      alert = { severity = "high", context = { via_console = false } } },
    { name = "disabled through CloudFormation still fires", fires = true,
      event = "samples/disable_security_hub_cfn.json" },
    { name = "denied call", fires = false, event = "samples/disable_security_hub_denied.json" },
  },
}
