-- IAM Identity Center's identity source changed.
--
-- Associating or disassociating a directory, or turning an external
-- identity provider on or off, changes who IAM Identity Center believes
-- users are, for every account in the organization. Ported from the Sigma
-- rule "AWS Identity Center Identity Provider Change" (DRL 1.1, author
-- credited below). Rare and decisive, so it fires whoever made the call. A
-- failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.sso.identity_source_changed",
  title = "IAM Identity Center identity source changed",
  severity = "high",
  author = "Michael McIntyre @wtfender (Sigma)",
  description = "A principal associated or disassociated a directory, or enabled or "
    .. "disabled an external identity provider, for IAM Identity Center.",
  tags = { "attack.t1484.002", "attack.defense_evasion", "attack.privilege_escalation",
           "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-identity-source.html",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_sso_idp_change.yml",
    "https://attack.mitre.org/techniques/T1484/002/",
  },
  on = { eventSource = { "sso-directory.amazonaws.com", "sso.amazonaws.com" },
         eventName = { "AssociateDirectory", "DisassociateDirectory",
                       "EnableExternalIdPConfigurationForDirectory",
                       "DisableExternalIdPConfigurationForDirectory" } },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} changed the IAM Identity Center identity source ({eventName})",
  context = function(e)
    return { directory_id = e["requestParameters.directoryId"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "IAM Identity Center takes its users from one identity source: its own "
      .. "directory, an Active Directory, or an external identity provider (Okta, Entra "
      .. "ID, Google) through SAML and SCIM. Changing the source changes who can sign in "
      .. "to every account and permission set of the organization.",
    risks = {
      "Domain trust modification: an identity provider the attacker controls can sign in "
        .. "as any user with any assignment.",
      "Outage: disabling the external provider cuts every federated user off.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.21 (users managed centrally "
        .. "through federation), NIST 800-53 IA-2 and AC-2, SOC 2 CC6.1 and CC6.2.",
    },
    console = {
      "1. IAM Identity Center > Settings > Identity source: check the source and, for an "
        .. "external IdP, its issuer and certificate.",
      "2. Ask the identity team whether the change was planned (an IdP migration has a "
        .. "ticket and a maintenance window). No answer or no ticket: treat it as an incident.",
      "3. If it was not planned: Actions > Change identity source and set the previous "
        .. "source back (users and group assignments are re-synced from it).",
      "4. IAM Identity Center > Users: for users who signed in since the change, open the "
        .. "user > Active sessions and delete the sessions.",
      "5. CloudTrail > Event history: filter Event source = sso.amazonaws.com and "
        .. "signin.amazonaws.com from the change time, to list who signed in through the new "
        .. "source and which accounts and permission sets they used.",
      "6. Review the actor's other calls (filter User name = the actor) and remove any "
        .. "permission set assignments added since (AWS accounts > account > users and groups).",
    },
    cli = {
      "aws sso-admin list-instances",
      "aws sso-admin list-account-assignments --instance-arn <instance-arn> --account-id "
        .. "<account-id> --permission-set-arn <permission-set-arn>",
      "aws cloudtrail lookup-events --start-time <change-time> --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=sso.amazonaws.com",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=sso-directory.amazonaws.com",
    },
  },
  tests = {
    { name = "external IdP enabled", fires = true, event = "samples/enable_external_idp.json",
      alert = { author = "Michael McIntyre @wtfender (Sigma)",
                context = { directory_id = "d-9067a1b2c3", via_console = true } } },
    { name = "directory disassociated", fires = true,
      event = "samples/disassociate_directory.json" },
    { name = "denied call", fires = false, event = "samples/associate_directory_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/enable_external_idp_cfn.json" },
  },
}
