-- AWS put its exposed-credential policy on an IAM user.
--
-- When AWS finds an access key in public (a public repository, a paste
-- site), it opens a support case and restricts the key's user: older
-- records show an inline AWSExposedCredentialPolicy_DO_NOT_REMOVE
-- (PutUserPolicy), newer ones the AWS managed AWSCompromisedKeyQuarantine,
-- V2 or V3 (AttachUserPolicy). Either means a credential of yours is public.
-- Fires for any successful call, whoever made it (AWS's own tooling or a
-- responder quarantining a user by hand: both mean the key is burnt). A
-- failed call quarantined nothing: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.exposed_key_quarantine",
  title = "IAM user quarantined for an exposed access key",
  severity = "high",
  description = "An exposed-credential quarantine policy (AWSExposedCredentialPolicy_DO_NOT_"
    .. "REMOVE or AWSCompromisedKeyQuarantine*) was put on an IAM user: one of its access "
    .. "keys is known to be public.",
  tags = { "attack.t1552", "attack.credential_access", "attack.t1078.004",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"
      .. "AWSCompromisedKeyQuarantineV3.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    "https://attack.mitre.org/techniques/T1552/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = { "PutUserPolicy", "AttachUserPolicy" } },
  when = function(e)
    return aws.succeeded(e)
      and identity.is_exposed_key_policy(e["requestParameters.policyName"]
        or e["requestParameters.policyArn"])
  end,
  output = "Exposed-key quarantine put on user {requestParameters.userName} "
    .. "({eventName} by {actor})",
  context = function(e)
    return { policy = e["requestParameters.policyName"] or e["requestParameters.policyArn"],
             user_agent_internal = identity.agent(e):find("aws-internal", 1, true) ~= nil }
  end,
  runbook = {
    about = "AWS restricts an IAM user whose access key it found exposed in public by "
      .. "putting a deny policy on it: AWSExposedCredentialPolicy_DO_NOT_REMOVE (inline, "
      .. "older accounts) or AWSCompromisedKeyQuarantine, V2 or V3 (AWS managed). The deny "
      .. "blocks the calls abusers make first (new users, keys, instances), but every other "
      .. "permission of the key still works, and AWS opens a support case about it. The "
      .. "key must be treated as in an attacker's hands.",
    risks = {
      "Unauthorized access: anyone who found the key can use whatever the quarantine does "
        .. "not deny, such as reading S3 data or secrets.",
      "Cost and abuse: cryptomining and spam are the usual first uses of leaked keys.",
      "Removing the quarantine policy (detach or delete) re-opens the key; vigil raises "
        .. "aws.iam.detach_guardrail_policy_user or aws.iam.delete_user_policy for that.",
      "Incident response: a confirmed credential exposure is an incident to run under your "
        .. "response plan (PCI DSS v3.2.1 12.10 where cardholder data is in scope).",
    },
    console = {
      "1. Support Center: open the case AWS created about the exposed key and note the key "
        .. "id and where it was found.",
      "2. IAM > Users: open the user, Security credentials tab; deactivate the exposed key "
        .. "(and any key you cannot vouch for), then create a replacement for the owner.",
      "3. Leave the quarantine policy attached until the key is deleted.",
      "4. CloudTrail > Event history: filter on AWS access key = the exposed key id and "
        .. "review every call made with it, especially from unknown IPs.",
      "5. Remove the key from where it leaked (repository history, paste) and rotate any "
        .. "other secret stored next to it.",
      "6. Delete the old key once the owner uses the new one.",
    },
    cli = {
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<key-id>",
      "aws iam create-access-key --user-name <user>",
      "aws iam delete-access-key --user-name <user> --access-key-id <key-id>",
    },
  },
  tests = {
    { name = "inline AWSExposedCredentialPolicy_DO_NOT_REMOVE", fires = true,
      event = "samples/put_user_policy_exposed_key.json",
      alert = { context = { policy = "AWSExposedCredentialPolicy_DO_NOT_REMOVE",
                            user_agent_internal = true } } },
    { name = "managed AWSCompromisedKeyQuarantineV3 attached", fires = true,
      event = "samples/attach_user_policy_quarantine.json" },
    { name = "denied attach", fires = false,
      event = "samples/attach_user_policy_quarantine_denied.json" },
    { name = "ordinary inline policy", fires = false, event = "samples/put_user_policy_s3.json" },
    { name = "ordinary managed policy", fires = false,
      event = "samples/attach_user_policy_admin.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/put_user_policy_exposed_key_cfn.json" },
  },
}
