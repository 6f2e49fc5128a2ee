-- A SAML identity provider created, updated or deleted.
--
-- A SAML provider is a trust anchor: whoever holds its signing key can mint
-- assertions that roles trusting the provider accept. Changes are rare, so
-- this fires through AWS services too (a stack swapping the metadata is as
-- dangerous as a person doing it), except IAM Identity Center managing its
-- own AWSSSO_* provider (invokedBy sso.amazonaws.com), which it does on
-- every set-up. A failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.saml_provider_changed",
  title = "IAM SAML identity provider created, updated or deleted",
  severity = "medium",
  description = "A principal changed which SAML identity provider the account trusts, or "
    .. "its metadata (signing certificate).",
  tags = { "attack.t1484.002", "attack.defense_evasion", "attack.privilege_escalation",
           "attack.t1606.002", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateSAMLProvider.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSAMLProvider.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteSAMLProvider.html",
    "https://attack.mitre.org/techniques/T1484/002/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "CreateSAMLProvider", "UpdateSAMLProvider", "DeleteSAMLProvider" } },
  when = function(e)
    return aws.succeeded(e) and e["userIdentity.invokedBy"] ~= "sso.amazonaws.com"
  end,
  -- The provider is named by `name` (create) or by ARN (update, delete);
  -- templates cannot choose, so the name is in the context.
  output = "{actor} called {eventName} on an IAM SAML identity provider",
  context = function(e)
    return { provider = e["requestParameters.sAMLProviderArn"]
               or e["responseElements.sAMLProviderArn"] or e["requestParameters.name"],
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "An IAM SAML provider holds the metadata (issuer and signing certificate) of an "
      .. "external identity provider such as Okta, Entra ID or ADFS. Roles whose trust "
      .. "names the provider accept any SAML assertion signed with that certificate "
      .. "(AssumeRoleWithSAML). Creating one or updating its metadata decides who can mint "
      .. "identities for the account; deleting one cuts off everyone who signs in through it.",
    risks = {
      "Domain trust modification: metadata swapped for a certificate the attacker holds "
        .. "lets them forge sign-ins to any role that trusts the provider (a Golden "
        .. "SAML-style backdoor).",
      "A new provider is harmless until a role trusts it; expect UpdateAssumeRolePolicy "
        .. "or CreateRole naming it next.",
      "Outage: a deleted provider breaks single sign-on for every federated user.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.21 (users managed centrally "
        .. "through federation), NIST 800-53 IA-2 and IA-8, SOC 2 CC6.1.",
    },
    console = {
      "1. IAM > Identity providers: open the provider and compare its metadata (issuer, "
        .. "certificate expiry) with what your IdP administrators publish.",
      "2. Ask the identity team whether the change was planned.",
      "3. IAM > Roles: search for roles whose Trusted entities name the provider.",
      "4. If the change was not planned: re-upload the correct metadata (Replace metadata) "
        .. "or delete a provider nobody owns, then revoke sessions of the trusting roles.",
    },
    cli = {
      "aws iam list-saml-providers",
      "aws iam get-saml-provider --saml-provider-arn <provider-arn>",
      "aws iam update-saml-provider --saml-provider-arn <provider-arn> "
        .. "--saml-metadata-document file://metadata.xml",
      "aws iam delete-saml-provider --saml-provider-arn <provider-arn>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=AssumeRoleWithSAML",
    },
  },
  tests = {
    { name = "provider created by an admin", fires = true,
      event = "samples/create_saml_provider.json",
      alert = { context = { provider = "arn:aws:iam::111122223333:saml-provider/okta-prod",
                            via_console = true } } },
    { name = "metadata replaced", fires = true, event = "samples/update_saml_provider.json" },
    { name = "deleted through CloudFormation", fires = true,
      event = "samples/delete_saml_provider_cfn.json" },
    { name = "Identity Center managing its own provider", fires = false,
      event = "samples/create_saml_provider_identity_center.json" },
    { name = "denied call", fires = false, event = "samples/update_saml_provider_denied.json" },
  },
}
