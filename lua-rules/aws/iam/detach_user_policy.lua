-- Any managed policy detached from an IAM user, except guardrails.
--
-- Like detach_role_policy: guardrail policies (vigil.aws guardrail_patterns)
-- go to aws.iam.detach_guardrail_policy at high severity, so one detach
-- gives one alert. A failed call changed nothing: quiet. A detach made
-- through an AWS service (CloudFormation stack update) is routine
-- infrastructure work: quiet here; the guardrail rule still fires for it.
local aws = require "vigil.aws"

rule {
  id = "aws.iam.detach_user_policy",
  title = "Managed policy detached from an IAM user",
  severity = "medium",
  description = "A principal removed a managed policy from an IAM user, changing what the "
    .. "user's password and access keys allow.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "DetachUserPolicy" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and not aws.is_guardrail_policy(e["requestParameters.policyArn"])
  end,
  output = "{actor} detached {requestParameters.policyArn} from user "
    .. "{requestParameters.userName}",
  context = function(e)
    return { other_user = aws.is_other_user(e), via_console = aws.is_console(e),
             root = aws.is_root(e) }
  end,
  runbook = {
    about = "DetachUserPolicy unlinks a managed policy (AWS managed or customer managed) "
      .. "from an IAM user. The policy still exists, but the user's console sessions and "
      .. "access keys stop getting whatever it granted or denied at once.",
    risks = {
      "Privilege escalation: a policy holding Deny statements or conditions no longer "
        .. "limits the user.",
      "Outage: jobs that run with the user's access keys lose the permissions the policy "
        .. "granted.",
      "Change control: an IAM policy change outside the usual pipeline; CIS AWS Foundations "
        .. "Benchmark v1.2.0 3.4 asks for an alarm on IAM policy changes.",
    },
    console = {
      "1. IAM > Users: open the user from the alert, Permissions tab, and confirm the "
        .. "policy is gone.",
      "2. IAM > Policies: open the detached policy and read its JSON to see what the user "
        .. "gained or lost.",
      "3. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls around the alert time.",
      "4. Ask the actor, or the owner of the user, whether the change was planned.",
      "5. If it was not: on the user, Add permissions > Attach policies directly, select "
        .. "the policy, Next, Add permissions.",
    },
    cli = {
      "aws iam list-attached-user-policies --user-name <user>",
      "aws iam get-policy --policy-arn <policy-arn>",
      "aws iam get-policy-version --policy-arn <policy-arn> --version-id <version-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
      "aws iam attach-user-policy --user-name <user> --policy-arn <policy-arn>",
    },
  },
  tests = {
    { name = "customer policy detached by an admin session", fires = true,
      event = "samples/detach_user_policy.json",
      alert = { severity = "medium",
                actor = "arn:aws:sts::111122223333:assumed-role/"
                  .. "AWSReservedSSO_AdministratorAccess_5a3c1e2f4b6d7e8f/dana@example.com" } },
    { name = "guardrail detach is left to detach_guardrail_policy", fires = false,
      event = "samples/detach_user_policy_guardrail.json" },
    { name = "denied call", fires = false, event = "samples/detach_user_policy_denied.json" },
    { name = "CloudFormation stack update", fires = false,
      event = "samples/detach_user_policy_cfn.json" },
  },
}
