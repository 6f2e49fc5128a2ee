-- The account's contact details changed or removed.
--
-- AWS sends abuse reports, exposed-key notices and security bulletins to
-- the security alternate contact (and the primary contact). Pointing them
-- at an address the attacker reads, or deleting them, silences the warnings
-- AWS would send about the intrusion. Fires for every contact type (billing
-- and operations matter less; the context names the type). A failed call
-- changed nothing: quiet. AWS services do not edit contacts for you.
local aws = require "vigil.aws"

rule {
  id = "aws.account.contacts_changed",
  title = "Account contact information changed",
  severity = "medium",
  description = "A principal set or deleted one of the account's alternate contacts, or "
    .. "changed its primary contact information.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1098", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/accounts/latest/reference/API_PutAlternateContact.html",
    "https://docs.aws.amazon.com/accounts/latest/reference/API_DeleteAlternateContact.html",
    "https://docs.aws.amazon.com/accounts/latest/reference/API_PutContactInformation.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = { "account.amazonaws.com", "billingconsole.amazonaws.com" },
         eventName = { "PutAlternateContact", "DeleteAlternateContact",
                       "PutContactInformation" } },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} changed the account's contacts ({eventName})",
  context = function(e)
    return { contact_type = e["requestParameters.AlternateContactType"] or "PRIMARY",
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "The account's contacts are where AWS writes when something is wrong: the "
      .. "security contact gets abuse reports and notices of exposed access keys, billing "
      .. "and operations contacts get theirs, the primary contact gets everything else.",
    risks = {
      "Defense evasion: AWS's warnings about the intrusion (exposed keys, abuse from your "
        .. "resources) go to the attacker or nowhere.",
      "Account recovery: contact details are used when proving ownership to AWS Support.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.1 (current contact details) and "
        .. "1.2 (security contact registered): AWS's abuse and security notices now go to the "
        .. "new address.",
    },
    console = {
      "1. Account (top-right menu) > Account: read Contact information and Alternate "
        .. "contacts.",
      "2. Ask the actor why they changed them; compare with your records.",
      "3. If not approved: Edit, restore the correct contacts, Update.",
      "4. Check for AWS notices you may have missed: Support Center cases and the AWS "
        .. "Health Dashboard.",
    },
    cli = {
      "aws account get-alternate-contact --alternate-contact-type SECURITY",
      "aws account put-alternate-contact --alternate-contact-type SECURITY "
        .. "--email-address <email> --name <name> --phone-number <phone> --title <title>",
      "aws account get-contact-information",
    },
  },
  tests = {
    { name = "security contact redirected", fires = true,
      event = "samples/put_alternate_contact_security.json",
      alert = { context = { contact_type = "SECURITY", via_console = false, root = false } } },
    { name = "security contact deleted", fires = true,
      event = "samples/delete_alternate_contact.json" },
    { name = "denied billing contact change", fires = false,
      event = "samples/put_alternate_contact_billing_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/put_alternate_contact_security_cfn.json" },
  },
}
