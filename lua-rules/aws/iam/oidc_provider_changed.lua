-- An OpenID Connect identity provider created, changed or deleted.
--
-- Same reasoning as saml_provider_changed: an OIDC provider (GitHub Actions,
-- an EKS cluster, a corporate IdP) decides whose tokens roles accept through
-- AssumeRoleWithWebIdentity; adding a client id or changing the thumbprint
-- widens or redirects that trust. Rare, so it fires through AWS services
-- too. A failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.oidc_provider_changed",
  title = "IAM OpenID Connect identity provider changed",
  severity = "medium",
  description = "A principal created, deleted or changed the client ids or thumbprints of "
    .. "an IAM OpenID Connect provider.",
  tags = { "attack.t1484.002", "attack.defense_evasion", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/"
      .. "API_UpdateOpenIDConnectProviderThumbprint.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/"
      .. "API_AddClientIDToOpenIDConnectProvider.html",
    "https://attack.mitre.org/techniques/T1484/002/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "CreateOpenIDConnectProvider", "DeleteOpenIDConnectProvider",
                       "UpdateOpenIDConnectProviderThumbprint",
                       "AddClientIDToOpenIDConnectProvider",
                       "RemoveClientIDFromOpenIDConnectProvider" } },
  when = function(e)
    return aws.succeeded(e)
  end,
  -- The provider is named by url (create) or by ARN (the rest); templates
  -- cannot choose, so the ARN is in the context.
  output = "{actor} called {eventName} on an IAM OpenID Connect provider",
  context = function(e)
    return { provider = e["requestParameters.openIDConnectProviderArn"]
               or e["responseElements.openIDConnectProviderArn"] or e["requestParameters.url"],
             client_id = e["requestParameters.clientID"],
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "An IAM OIDC provider tells STS to accept web identity tokens from an issuer "
      .. "URL (GitHub Actions, an EKS cluster, Google, a corporate IdP) for a list of "
      .. "audiences (client ids), checked against server certificate thumbprints. Roles "
      .. "trusting the provider can be assumed by anyone presenting a matching token.",
    risks = {
      "Domain trust modification: a new provider or client id lets tokens the attacker can "
        .. "obtain (their own GitHub repository, their own app) assume roles; check the "
        .. "trusting roles' sub and aud conditions.",
      "A changed thumbprint can point trust at a server the attacker controls.",
      "Outage: a deleted provider breaks every pipeline or pod using it.",
      "Compliance: NIST 800-53 IA-8 (non-organizational users identified) and AC-2; SOC 2 "
        .. "CC6.1: a trusted identity provider is a way in.",
    },
    console = {
      "1. IAM > Identity providers: open the provider; check its URL, audiences and "
        .. "thumbprints against what the owning team expects.",
      "2. IAM > Roles: find roles whose Trusted entities name the provider and read their "
        .. "conditions (token.actions.githubusercontent.com:sub, aud).",
      "3. If the change was not planned: remove the added audience (Actions > Remove "
        .. "audience) or delete an unknown provider, then revoke sessions of trusting roles.",
      "4. CloudTrail > Event history: filter on Event name = AssumeRoleWithWebIdentity to "
        .. "see who used the provider since.",
    },
    cli = {
      "aws iam list-open-id-connect-providers",
      "aws iam get-open-id-connect-provider --open-id-connect-provider-arn <provider-arn>",
      "aws iam remove-client-id-from-open-id-connect-provider "
        .. "--open-id-connect-provider-arn <provider-arn> --client-id <client-id>",
      "aws iam delete-open-id-connect-provider --open-id-connect-provider-arn <provider-arn>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity",
    },
  },
  tests = {
    { name = "GitHub Actions provider created by CI", fires = true,
      event = "samples/create_oidc_provider.json" },
    { name = "thumbprint replaced", fires = true, event = "samples/update_oidc_thumbprint.json" },
    { name = "client id added to an EKS provider", fires = true,
      event = "samples/add_client_id_oidc.json",
      alert = { context = { client_id = "attacker-app", via_console = false,
                            provider = "arn:aws:iam::111122223333:oidc-provider/oidc.eks."
                              .. "us-east-1.amazonaws.com/id/"
                              .. "EXAMPLED539D4633E53DE1B71EXAMPLE" } } },
    { name = "denied call", fires = false, event = "samples/create_oidc_provider_denied.json" },
  },
}
