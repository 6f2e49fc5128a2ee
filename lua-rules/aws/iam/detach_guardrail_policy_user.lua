-- A guardrail policy (see vigil.aws guardrail_patterns) detached from an IAM user.
--
-- Takes the DetachUserPolicy calls that aws.iam.detach_user_policy leaves
-- out, so one detach gives one alert (the role case is
-- aws.iam.detach_guardrail_policy). Fires even when an AWS service made the
-- call (CloudFormation): the guardrail is gone whichever path removed it. A
-- failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.detach_guardrail_policy_user",
  title = "Guardrail policy detached from an IAM user",
  severity = "high",
  description = "A policy whose name marks it as a guardrail (explicit deny, boundary, SCP "
    .. "mirror, AWS quarantine policy) was detached from an IAM user.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1098",
           "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html",
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDenyAll.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DetachUserPolicy" },
  when = function(e)
    return aws.succeeded(e) and aws.is_guardrail_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} detached guardrail policy {requestParameters.policyArn} from user "
    .. "{requestParameters.userName}",
  context = function(e)
    return { via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "DetachUserPolicy removed a policy whose name marks it as a guardrail: an "
      .. "explicit Deny, a boundary kept as a managed policy, or an AWS quarantine policy "
      .. "such as AWSDenyAll or AWSCompromisedKeyQuarantineV3 that AWS or your responders "
      .. "put on a user whose keys leaked. The user's keys and password can again do what "
      .. "the guardrail blocked.",
    risks = {
      "Defense evasion and privilege escalation: actions the guardrail denied are allowed "
        .. "again for the user's credentials.",
      "If a quarantine policy was removed, a credential known to be exposed is back in "
        .. "full use; attackers remove it themselves when the user can change its own "
        .. "policies.",
      "Change control: CIS AWS Foundations Benchmark v1.2.0 3.4 asks for an alarm on IAM "
        .. "policy changes.",
    },
    console = {
      "1. IAM > Users: open the user, Permissions tab, and confirm the guardrail is missing.",
      "2. Unless a change ticket covers it, re-attach it now: Add permissions > Attach "
        .. "policies directly, select the policy, Next, Add permissions.",
      "3. If the actor is the user itself, its credentials are in hostile hands: on the "
        .. "Security credentials tab, deactivate every access key and, under Console "
        .. "sign-in, disable console access.",
      "4. CloudTrail > Event history: filter on User name = the user and the actor, and "
        .. "list what was done after the detach.",
    },
    cli = {
      "aws iam attach-user-policy --user-name <user> --policy-arn <policy-arn>",
      "aws iam list-attached-user-policies --user-name <user>",
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws iam delete-login-profile --user-name <user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "customer deny policy detached by a CI role", fires = true,
      event = "samples/detach_user_policy_guardrail.json",
      alert = { severity = "high", rule_id = "aws.iam.detach_guardrail_policy_user" } },
    { name = "denied call", fires = false, event = "samples/detach_user_policy_denied.json" },
    { name = "ordinary policy is detach_user_policy's", fires = false,
      event = "samples/detach_user_policy.json" },
    { name = "ordinary policy through CloudFormation", fires = false,
      event = "samples/detach_user_policy_cfn.json" },
  },
}
