-- The account password policy deleted or set below the CIS minimums.
--
-- UpdateAccountPasswordPolicy replaces the whole policy (a setting left out
-- goes back to its weak default), so the request alone says what is in
-- force. Weak means a minimum length under 14 or remembering fewer than 24
-- old passwords, the two settings every CIS AWS Foundations version keeps
-- (v1.2.0 1.9 and 1.10). DeleteAccountPasswordPolicy always counts. A strong
-- update is quiet. AWS services do not edit the password policy for you.
-- A failed call changed nothing: quiet.
local aws = require "vigil.aws"

local MIN_LENGTH = 14
local MIN_REUSE = 24

local function shortfalls(e)
  local out = {}
  local len = tonumber(e["requestParameters.minimumPasswordLength"]) or 0
  local reuse = tonumber(e["requestParameters.passwordReusePrevention"]) or 0
  if e.eventName == "DeleteAccountPasswordPolicy" then
    return { "policy deleted" }
  end
  if len < MIN_LENGTH then
    out[#out + 1] = "minimum length " .. len
  end
  if reuse < MIN_REUSE then
    out[#out + 1] = "remembers " .. reuse .. " passwords"
  end
  return out
end

rule {
  id = "aws.iam.password_policy_weakened",
  title = "IAM account password policy weakened or deleted",
  severity = "medium",
  description = "The account password policy was deleted, or set with a minimum length "
    .. "under 14 or a reuse memory under 24 passwords.",
  tags = { "attack.t1556", "attack.defense_evasion", "attack.credential_access",
           "attack.t1201", "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountPasswordPolicy.html",
    "https://attack.mitre.org/techniques/T1556/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy" } },
  when = function(e)
    return aws.succeeded(e) and #shortfalls(e) > 0
  end,
  output = "{actor} weakened the IAM password policy ({eventName})",
  context = function(e)
    return { shortfalls = shortfalls(e), via_console = aws.is_console(e),
             root = aws.is_root(e) }
  end,
  runbook = {
    about = "The account password policy sets the rules for IAM users' console passwords. "
      .. "It was deleted (IAM then applies only its short built-in default rules) or "
      .. "replaced by one with a short minimum length or a short reuse memory. Every "
      .. "password set from now on may be weak.",
    risks = {
      "Credential access: short or recycled passwords are easier to guess or spray.",
      "Staging: attackers weaken the policy before setting easy passwords on users they "
        .. "create or take over.",
      "Compliance: CIS AWS Foundations Benchmark v1.2.0 1.9 (length of 14 or more) and "
        .. "1.10 (prevent reuse of 24) fail.",
    },
    console = {
      "1. IAM > Account settings: read the Password policy section.",
      "2. Ask the actor why it changed; compare with your standard.",
      "3. Edit: set the minimum length to 14 or more, prevent reuse of 24 passwords, "
        .. "require the character types your standard asks for, Save changes.",
      "4. CloudTrail > Event history: look for ChangePassword, CreateLoginProfile and "
        .. "UpdateLoginProfile since the change; those passwords may not meet the standard.",
    },
    cli = {
      "aws iam get-account-password-policy",
      "aws iam update-account-password-policy --minimum-password-length 14 "
        .. "--password-reuse-prevention 24 --require-symbols --require-numbers "
        .. "--require-uppercase-characters --require-lowercase-characters",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=UpdateLoginProfile",
    },
  },
  tests = {
    { name = "length 6, no reuse memory", fires = true,
      event = "samples/update_password_policy_weak.json",
      alert = { context = { shortfalls = { "minimum length 6", "remembers 0 passwords" },
                            via_console = false, root = false } } },
    { name = "strong policy", fires = false, event = "samples/update_password_policy_strong.json" },
    { name = "reuse prevention left out", fires = true,
      event = "samples/update_password_policy_no_reuse_limit.json",
      alert = { context = { shortfalls = { "remembers 0 passwords" }, via_console = false,
                            root = false } } },
    { name = "policy deleted", fires = true, event = "samples/delete_password_policy.json" },
    { name = "denied delete", fires = false,
      event = "samples/delete_password_policy_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/update_password_policy_weak_cfn.json" },
  },
}
