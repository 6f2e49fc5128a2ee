-- The account's contact details read (informational).
--
-- GetAlternateContact and GetContactInformation return the people and
-- addresses AWS writes to about security, billing and operations. Reading
-- them from a script is reconnaissance (who will notice, whom to phish);
-- the billing console shows them too, hence info. Both the Account
-- Management service and the older billing console source are indexed.
-- AWS services: quiet. A refused read still fires.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.account.contact_discovery",
  title = "Account contact information read",
  severity = "info",
  description = "A principal read the account's primary or alternate (security, billing, "
    .. "operations) contacts.",
  tags = { "attack.t1087.004", "attack.discovery", "attack.t1589", "attack.reconnaissance" },
  references = {
    "https://docs.aws.amazon.com/accounts/latest/reference/API_GetAlternateContact.html",
    "https://docs.aws.amazon.com/accounts/latest/reference/API_GetContactInformation.html",
    "https://attack.mitre.org/techniques/T1087/004/",
  },
  on = { eventSource = { "account.amazonaws.com", "billingconsole.amazonaws.com" },
         eventName = { "GetAlternateContact", "GetContactInformation" } },
  when = function(e)
    return not aws.is_aws_service(e) and not identity.is_service_linked(e)
  end,
  output = "{actor} read the account's contacts ({eventName})",
  context = function(e)
    return { contact_type = e["requestParameters.AlternateContactType"],
             error_code = e.errorCode, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "These calls return the account's primary contact (name, address, phone) or one "
      .. "of its alternate contacts, the addresses AWS notifies about security issues, "
      .. "billing and operations.",
    risks = {
      "Reconnaissance: learning who receives AWS's abuse and security notices is the "
        .. "step before changing them (vigil raises aws.account.contacts_changed) or "
        .. "phishing those people.",
      "Compliance: SOC 2 CC7.2 (anomalous activity detected and reviewed).",
    },
    console = {
      "1. Check the actor: a billing administrator, or unexpected?",
      "2. CloudTrail > Event history: filter on User name = the actor for other read "
        .. "calls around the same time.",
      "3. If unexpected, treat the credential as compromised.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
      "aws account get-alternate-contact --alternate-contact-type SECURITY",
    },
  },
  tests = {
    { name = "security contact read with an SDK", fires = true,
      event = "samples/get_alternate_contact.json",
      alert = { context = { contact_type = "SECURITY", via_console = false } } },
    { name = "primary contact read", fires = true, event = "samples/get_contact_information.json" },
    { name = "contact change is contacts_changed's", fires = false,
      event = "samples/put_alternate_contact_security.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/get_alternate_contact_cfn.json" },
  },
}
