-- A console password created for another IAM user.
--
-- CreateLoginProfile gives a user that had none (typically a service user
-- with only access keys) a console password the caller chose, so the caller
-- can sign in as that user. vigil.aws is_other_user decides "another";
-- roles, root and CloudFormation have no user name, so any user they name
-- is someone else. Fires through AWS services too (a password handed out by
-- a stack is still a credential someone knows). A failed call: quiet.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.iam.create_login_profile_other_user",
  title = "Console password created for another IAM user",
  severity = "high",
  description = "A principal created a console password for an IAM user other than itself "
    .. "and can now sign in to the console as that user.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "CreateLoginProfile" },
  when = function(e)
    return aws.succeeded(e) and aws.is_other_user(e)
  end,
  output = "{actor} created a console password for user {requestParameters.userName}",
  context = function(e)
    return { reset_required = data.is_true(e["requestParameters.passwordResetRequired"]),
             via_console = aws.is_console(e), root = aws.is_root(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "CreateLoginProfile gives an IAM user a console password. The caller chose the "
      .. "password (CloudTrail does not record it), so the caller can sign in to the AWS "
      .. "Management Console with every permission of that user. Attackers use it to turn a "
      .. "service user, which had only access keys, into a console account they control.",
    risks = {
      "Persistence and privilege escalation: console access that survives the rotation of "
        .. "the access keys the attacker started with.",
      "Without MFA on the target user the password alone is enough (CIS AWS Foundations "
        .. "Benchmark v1.2.0 1.2 asks for MFA on every user with a console password).",
      "With reset_required = false the caller keeps knowing the password after the user "
        .. "signs in.",
    },
    console = {
      "1. Ask the owner of the target user whether a console password was requested; "
        .. "service users normally have none.",
      "2. IAM > Users: open the user, Security credentials tab, and check Console sign-in "
        .. "(last sign-in) and MFA devices.",
      "3. CloudTrail > Event history: filter on Event name = ConsoleLogin and look for "
        .. "sign-ins as the user after the change, and their source IPs.",
      "4. If it was not requested: Console sign-in > Manage > Disable console access, then "
        .. "review the actor's other calls.",
    },
    cli = {
      "aws iam get-login-profile --user-name <user>",
      "aws iam list-mfa-devices --user-name <user>",
      "aws iam delete-login-profile --user-name <user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=ConsoleLogin",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<actor-name>",
    },
  },
  tests = {
    { name = "service user gives another user a password", fires = true,
      event = "samples/create_login_profile_other_user.json",
      alert = { context = { reset_required = false, via_console = false, root = false } } },
    { name = "user creates its own password", fires = false,
      event = "samples/create_login_profile_own.json" },
    { name = "denied call", fires = false, event = "samples/create_login_profile_denied.json" },
    { name = "CloudFormation stack hands out a password", fires = true,
      event = "samples/create_login_profile_cfn.json",
      alert = { context = { reset_required = true, via_console = false, root = false,
                            invoked_by = "cloudformation.amazonaws.com" } } },
  },
}
