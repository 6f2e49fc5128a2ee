-- A Secrets Manager secret deleted.
--
-- Deleting a secret breaks every application that reads it and, with
-- ForceDeleteWithoutRecovery, leaves no recovery window at all (high). With
-- a recovery window (7 to 30 days) RestoreSecret can still bring it back
-- (medium). Failed calls changed nothing. CloudFormation deleting a secret
-- its stack created is ordinary teardown and stays quiet. A teardown that
-- deletes many secrets at once (real logs: Terraform destroying 17 in one
-- second) is one story: one alert per principal per 10 minutes, with the
-- others counted in it.
local aws = require "vigil.aws"
local data = require "vigil.data"

local function forced(e)
  return data.is_true(e["requestParameters.forceDeleteWithoutRecovery"])
end

rule {
  id = "aws.secretsmanager.secret_deleted",
  title = "Secrets Manager secret deleted",
  severity = function(e)
    return forced(e) and "high" or "medium"
  end,
  description = "A principal deleted a secret, with or without a recovery window.",
  tags = { "attack.t1485", "attack.impact", "attack.t1070", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
    "https://attack.mitre.org/techniques/T1485/",
  },
  on = { eventSource = "secretsmanager.amazonaws.com", eventName = "DeleteSecret" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  dedup = { window = "10m" },
  output = "{actor} deleted secret {requestParameters.secretId}",
  context = function(e)
    return { without_recovery = forced(e),
             recovery_days = tonumber(e["requestParameters.recoveryWindowInDays"]),
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "DeleteSecret marks a secret for deletion. With a recovery window (7 to 30 days, "
      .. "default 30) the secret can be restored until the window ends; with "
      .. "ForceDeleteWithoutRecovery it is gone at once, every version with it. Either way, "
      .. "GetSecretValue fails from now on.",
    risks = {
      "Impact: applications and rotation functions that read the secret fail; a forced "
        .. "deletion cannot be undone.",
      "Defense evasion: an attacker deletes credentials after using them, or removes a "
        .. "secret to force a fallback to a weaker one.",
      "Compliance: SOC 2 CC8.1 (changes to production authorised) and PCI DSS 3.6 / 8.3 "
        .. "(credential lifecycle) expect secret removal to go through change control.",
    },
    console = {
      "1. Secrets Manager > Secrets: choose Preferences (gear) and turn on Show secrets "
        .. "scheduled for deletion; open the secret from the alert.",
      "2. Ask the actor and the secret's owner whether the deletion is planned.",
      "3. If not and it still has a recovery window: Actions > Cancel deletion.",
      "4. If it was forced: recreate the secret from its source (database password reset, "
        .. "API key reissued) and update the applications.",
      "5. Review the actor's other calls in CloudTrail > Event history.",
    },
    cli = {
      "aws secretsmanager list-secrets --include-planned-deletion "
        .. "--filters Key=name,Values=<secret-name>",
      "aws secretsmanager restore-secret --secret-id <secret-id>",
      "aws secretsmanager describe-secret --secret-id <secret-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<secret-id>",
    },
  },
  tests = {
    { name = "deleted with a 7-day window", fires = true, event = "samples/delete_secret.json",
      alert = { severity = "medium", context = { without_recovery = false, recovery_days = 7,
                                                 via_console = false } } },
    { name = "forced, no recovery", fires = true, event = "samples/delete_secret_force.json",
      alert = { severity = "high" } },
    { name = "denied", fires = false, event = "samples/delete_secret_denied.json" },
    { name = "three deletions in a minute: one alert", fires = false, alerts = 1,
      events = { "samples/delete_secret.json", "samples/delete_secret_force.json",
                 "samples/delete_secret.json" } },
    { name = "another principal in the same minute gets its own alert", fires = true,
      alerts = 2,
      events = { "samples/delete_secret.json",
                 { eventSource = "secretsmanager.amazonaws.com", eventName = "DeleteSecret",
                   eventTime = "2024-03-14T11:04:30Z",
                   userIdentity = { type = "IAMUser",
                                    arn = "arn:aws:iam::111122223333:user/bob" },
                   requestParameters = { secretId = "prod/orders/api-key" } } } },
    { name = "CloudFormation stack teardown", fires = false,
      event = "samples/delete_secret_cfn.json" },
  },
}
