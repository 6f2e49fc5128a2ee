-- A guardrail detached from an IAM user, then an admin policy attached to
-- the same user by the same principal within 30 minutes.
--
-- The user form of aws.iam.guardrail_swap (roles): the same escalation on a
-- long-term identity, whose access keys then carry full control until
-- someone notices. Each call alone already alerts
-- (detach_guardrail_policy_user, attach_admin_policy_user); the pair is the
-- story. Keyed by the actor's ARN and the user name; failed calls are not
-- steps; AWS services are not skipped (a stack can be used to hide the
-- change as well as a person). Groups: aws.iam.guardrail_swap_group.
local aws = require "vigil.aws"

local cases = require "vigil.iam_swap_cases"

rule {
  id = "aws.iam.guardrail_swap_user",
  title = "User guardrail removed, then administrator access granted",
  severity = "critical",
  description = "The same principal detached a guardrail policy from an IAM user and then "
    .. "attached an administrator policy to that user, within 30 minutes.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  when = function(e) return aws.succeeded(e) end,
  sequence = {
    window = "30m",
    key = { "userIdentity.arn", "requestParameters.userName" },
    steps = {
      { name = "guardrail detached",
        on = { eventSource = "iam.amazonaws.com", eventName = "DetachUserPolicy" },
        when = function(e) return aws.is_guardrail_policy(e["requestParameters.policyArn"]) end },
      { name = "admin attached",
        on = { eventSource = "iam.amazonaws.com", eventName = "AttachUserPolicy" },
        when = function(e) return aws.is_admin_policy(e["requestParameters.policyArn"]) end },
    },
  },
  output = "{actor} removed a guardrail from user {requestParameters.userName}, then attached "
    .. "{requestParameters.policyArn} to it",
  runbook = {
    about = "Two IAM calls on one user by one principal: DetachUserPolicy removed a policy "
      .. "vigil treats as a guardrail (deny statements, boundaries, AWS quarantine policies), "
      .. "and AttachUserPolicy then gave the user an administrator policy. The user's access "
      .. "keys and console password now have full control, with the guard gone.",
    risks = {
      "Privilege escalation: the user can now do everything the guardrail denied, and more.",
      "Persistence: long-term access keys with administrator rights keep working until they "
        .. "are deactivated, whatever happens to the session that made the change.",
      "Compliance: CIS AWS Foundations Benchmark v1.4.0 1.16 (no full administrative "
        .. "policies attached) and 1.15 (permissions through groups only); 4.4 (alarm on IAM "
        .. "policy changes); NIST 800-53 AC-6.",
    },
    console = {
      "1. IAM > Users: open the user from the alert, Permissions tab: confirm the "
        .. "administrator policy is attached and the guardrail is gone.",
      "2. Contact the actor (the user or role session in the alert) now; if the change is not "
        .. "planned, treat it as an incident.",
      "3. On the user, select the administrator policy and choose Remove; then Add "
        .. "permissions > Attach policies directly: re-attach the guardrail policy.",
      "4. Security credentials tab: make the user's access keys Inactive until the owner is "
        .. "reached, and note each key's Last used.",
      "5. CloudTrail > Event history: filter User name = the user to see what it did since "
        .. "the attach, and User name = the actor for their other changes.",
    },
    cli = {
      "aws iam list-attached-user-policies --user-name <user>",
      "aws iam detach-user-policy --user-name <user> --policy-arn <admin-policy-arn>",
      "aws iam attach-user-policy --user-name <user> --policy-arn <guardrail-policy-arn>",
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = cases.tests("User", "svc-build", "svc-metrics"),
}
