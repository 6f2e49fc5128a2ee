-- An SES sender identity deleted.
--
-- Deleting a verified domain or address stops your own mail from it; after
-- abuse, it is also how an attacker removes the identity they added to send
-- from your account. Low severity: mail teams clean up identities too.
-- Failed calls and stacks (CloudFormation) stay quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.ses.identity_deleted",
  title = "SES identity deleted",
  severity = "low",
  description = "A principal deleted a verified SES sender identity (domain or address).",
  tags = { "attack.t1070", "attack.defense_evasion", "attack.t1485", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/ses/latest/APIReference/API_DeleteIdentity.html",
    "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_DeleteEmailIdentity.html",
  },
  on = { eventSource = "ses.amazonaws.com",
         eventName = { "DeleteIdentity", "DeleteEmailIdentity", "DeleteVerifiedEmailAddress" } },
  when = function(e)
    return aws.succeeded(e) and not data.is_service_caller(e)
  end,
  output = "{actor} deleted an SES identity ({event_name})",
  context = function(e)
    return { identity = e["requestParameters.identity"] or e["requestParameters.emailIdentity"]
               or e["requestParameters.emailAddress"], via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "DeleteIdentity (SES v1), DeleteEmailIdentity (v2) and DeleteVerifiedEmailAddress "
      .. "remove a verified domain or address: SES no longer sends from it, and its DKIM "
      .. "and configuration are gone.",
    risks = {
      "Impact: your application's mail from that identity starts failing.",
      "Defense evasion: after sending spam from an identity they added, attackers delete it "
        .. "to hide what was used.",
      "Compliance: SOC 2 CC8.1 (changes to production authorised).",
    },
    console = {
      "1. CloudTrail > Event history: find when the identity was created and by whom "
        .. "(VerifyEmailIdentity / CreateEmailIdentity), and SendEmail calls in between.",
      "2. If it was yours: SES > Identities > Create identity to verify it again and "
        .. "restore DKIM records.",
      "3. If it was not yours: treat the account as abused; check SES sending statistics "
        .. "and the actor's keys.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<identity>",
      "aws sesv2 create-email-identity --email-identity <identity>",
      "aws ses get-send-statistics",
    },
  },
  tests = {
    { name = "identity deleted", fires = true, event = "samples/delete_identity.json",
      alert = { severity = "low", context = { identity = "billing-notice@mailer-example.net",
                                              via_console = false } } },
    { name = "denied", fires = false,
      event = { eventSource = "ses.amazonaws.com", eventName = "DeleteIdentity",
                eventTime = "2024-03-14T11:20:00Z", errorCode = "AccessDenied",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/x" },
                requestParameters = { identity = "example.com" } } },
    { name = "stack teardown", fires = false,
      event = { eventSource = "ses.amazonaws.com", eventName = "DeleteEmailIdentity",
                eventTime = "2024-03-14T11:20:00Z",
                sourceIPAddress = "cloudformation.amazonaws.com",
                userIdentity = { type = "AssumedRole", invokedBy = "cloudformation.amazonaws.com",
                  arn = "arn:aws:sts::111122223333:assumed-role/cfn/AWSCloudFormation" },
                requestParameters = { emailIdentity = "example.com" } } },
  },
}
