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

local ACTOR = "arn:aws:sts::111122223333:assumed-role/PlatformAdmin/dana@example.com"
local DENY = "arn:aws:iam::111122223333:policy/DenyIAMChanges"
local ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"

-- A {Detach,Attach}UserPolicy call at minute `min` for the tests.
local function call(name, policy, min, opts)
  opts = opts or {}
  return {
    eventVersion = "1.09", eventSource = "iam.amazonaws.com", eventName = name,
    eventTime = string.format("2024-06-11T%02d:%02d:00Z", 10 + min // 60, min % 60),
    awsRegion = "us-east-1", sourceIPAddress = "198.51.100.23",
    userAgent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64 prompt/off",
    recipientAccountId = "111122223333", errorCode = opts.err,
    userIdentity = { type = "AssumedRole", accountId = "111122223333",
                     arn = opts.actor or ACTOR, invokedBy = opts.via },
    requestParameters = { userName = opts.user or "svc-build", policyArn = policy },
  }
end

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
  tests = {
    { name = "guardrail detached, admin attached 10 minutes later", fires = true, alerts = 1,
      events = { call("DetachUserPolicy", DENY, 0), call("AttachUserPolicy", ADMIN, 10) },
      alert = { severity = "critical", actor = ACTOR } },
    { name = "attach alone", fires = false, alerts = 0,
      events = { call("AttachUserPolicy", ADMIN, 10) } },
    { name = "attach before the detach is not the sequence", fires = false, alerts = 0,
      events = { call("AttachUserPolicy", ADMIN, 0), call("DetachUserPolicy", DENY, 10) } },
    { name = "admin attached 40 minutes later", fires = false, alerts = 0,
      events = { call("DetachUserPolicy", DENY, 0), call("AttachUserPolicy", ADMIN, 40) } },
    { name = "ordinary policy detached first", fires = false, alerts = 0,
      events = { call("DetachUserPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess", 0),
                 call("AttachUserPolicy", ADMIN, 10) } },
    { name = "an ordinary policy attached after the guardrail", fires = false, alerts = 0,
      events = { call("DetachUserPolicy", DENY, 0),
                 call("AttachUserPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess", 10) } },
    { name = "admin attached to another user", fires = false, alerts = 0,
      events = { call("DetachUserPolicy", DENY, 0),
                 call("AttachUserPolicy", ADMIN, 10, { user = "svc-metrics" }) } },
    { name = "another principal attached the admin policy", fires = false, alerts = 0,
      events = { call("DetachUserPolicy", DENY, 0),
                 call("AttachUserPolicy", ADMIN, 10,
                      { actor = "arn:aws:iam::111122223333:user/alice" }) } },
    { name = "the detach was denied", fires = false, alerts = 0,
      events = { call("DetachUserPolicy", DENY, 0, { err = "AccessDenied" }),
                 call("AttachUserPolicy", ADMIN, 10) } },
    { name = "the attach was denied", fires = false, alerts = 0,
      events = { call("DetachUserPolicy", DENY, 0),
                 call("AttachUserPolicy", ADMIN, 10, { err = "AccessDenied" }) } },
    { name = "both steps through a CloudFormation stack still fire", fires = true, alerts = 1,
      events = { call("DetachUserPolicy", DENY, 0, { via = "cloudformation.amazonaws.com" }),
                 call("AttachUserPolicy", ADMIN, 10, { via = "cloudformation.amazonaws.com" }) } },
  },
}
