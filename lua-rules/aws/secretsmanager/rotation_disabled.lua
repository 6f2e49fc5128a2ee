-- Automatic rotation switched off for a secret.
--
-- CancelRotateSecret stops scheduled rotation: the current value stays valid
-- indefinitely, so a leaked copy keeps working. Teams do this by hand when a
-- rotation function misbehaves, hence low severity; the alert is there so
-- that it does not stay off silently. Failed calls and AWS services acting
-- for a stack stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.secretsmanager.rotation_disabled",
  title = "Secrets Manager rotation disabled",
  severity = "low",
  description = "A principal turned off automatic rotation of a secret.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1562", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CancelRotateSecret.html",
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",
  },
  on = { eventSource = "secretsmanager.amazonaws.com", eventName = "CancelRotateSecret" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} turned off rotation of secret {requestParameters.secretId}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "CancelRotateSecret turns off automatic rotation: the secret keeps its current "
      .. "value until someone changes it. A rotation already in progress is left unfinished "
      .. "(the AWSPENDING version stays).",
    risks = {
      "Persistence: a stolen copy of the secret keeps working for as long as rotation is off.",
      "Compliance: PCI DSS 8.3.9 / 8.6.3 (change passwords and keys periodically) and AWS "
        .. "Security Hub SecretsManager.1 (rotation enabled) fail for the secret.",
    },
    console = {
      "1. Secrets Manager > Secrets: open the secret from the alert, Rotation tab: Automatic "
        .. "rotation reads Disabled.",
      "2. Ask the actor why; a failing rotation Lambda is the usual reason (check its logs).",
      "3. Edit rotation: turn Automatic rotation on, choose the schedule and the rotation "
        .. "function, Save.",
      "4. Choose Rotate secret immediately if the value may have leaked.",
    },
    cli = {
      "aws secretsmanager describe-secret --secret-id <secret-id> "
        .. "--query '{on:RotationEnabled,rules:RotationRules}'",
      "aws secretsmanager rotate-secret --secret-id <secret-id> "
        .. "--rotation-lambda-arn <function-arn> "
        .. "--rotation-rules AutomaticallyAfterDays=<days>",
    },
  },
  tests = {
    { name = "user cancels rotation", fires = true,
      event = { eventSource = "secretsmanager.amazonaws.com", eventName = "CancelRotateSecret",
                eventTime = "2024-03-14T11:20:00Z",
                userIdentity = { type = "IAMUser",
                                 arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { secretId = "prod/orders/db-credentials" } },
      alert = { severity = "low", context = { via_console = false } } },
    { name = "denied", fires = false,
      event = { eventSource = "secretsmanager.amazonaws.com", eventName = "CancelRotateSecret",
                eventTime = "2024-03-14T11:20:00Z", errorCode = "AccessDeniedException",
                userIdentity = { type = "IAMUser",
                                 arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { secretId = "prod/orders/db-credentials" } } },
    { name = "CloudFormation stack update", fires = false,
      event = { eventSource = "secretsmanager.amazonaws.com", eventName = "CancelRotateSecret",
                eventTime = "2024-03-14T11:20:00Z",
                userIdentity = { type = "AssumedRole", invokedBy = "cloudformation.amazonaws.com",
                  arn = "arn:aws:sts::111122223333:assumed-role/cfn-deploy/AWSCloudFormation" },
                requestParameters = { secretId = "prod/orders/db-credentials" } } },
    { name = "starting a rotation is not cancelling one", fires = false,
      event = { eventSource = "secretsmanager.amazonaws.com", eventName = "RotateSecret",
                eventTime = "2024-03-14T11:20:00Z",
                userIdentity = { type = "IAMUser",
                                 arn = "arn:aws:iam::111122223333:user/alice" },
                requestParameters = { secretId = "prod/orders/db-credentials" } } },
  },
}
