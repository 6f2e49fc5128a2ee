-- Source-provider credentials imported into CodeBuild.
--
-- ImportSourceCredentials stores a GitHub, GitHub Enterprise or Bitbucket
-- token (or a CodeConnections link) for the whole account and region: every
-- project using that provider builds with it. Replacing it points builds at
-- an identity the importer controls, and the token itself is a credential
-- worth stealing or planting. Teams do this when they set CodeBuild up,
-- hence low. Failed calls and stacks (CloudFormation) stay quiet; the token
-- is never logged by CloudTrail (and never by vigil).
local aws = require "vigil.aws"

local function import(opts)
  return { eventSource = "codebuild.amazonaws.com", eventName = "ImportSourceCredentials",
           eventTime = "2024-03-14T12:40:00Z", errorCode = opts.err,
           userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/alice",
                            invokedBy = opts.by },
           requestParameters = { serverType = "GITHUB", authType = "PERSONAL_ACCESS_TOKEN",
                                 shouldOverwrite = true } }
end

rule {
  id = "aws.codebuild.source_credentials_imported",
  title = "CodeBuild source credentials imported",
  severity = "low",
  description = "A principal imported or replaced the source-provider token CodeBuild uses "
    .. "for every project of that provider in the region.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1195", "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ImportSourceCredentials.html",
    "https://docs.aws.amazon.com/codebuild/latest/userguide/access-tokens.html",
  },
  on = { eventSource = "codebuild.amazonaws.com", eventName = "ImportSourceCredentials" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} imported {requestParameters.serverType} credentials into CodeBuild",
  context = function(e)
    return { server_type = e["requestParameters.serverType"],
             auth_type = e["requestParameters.authType"],
             overwrite = e["requestParameters.shouldOverwrite"] }
  end,
  runbook = {
    about = "ImportSourceCredentials saves a personal access token, app password or "
      .. "connection for a source provider (GitHub, GitHub Enterprise, Bitbucket, GitLab). "
      .. "CodeBuild then clones, reports status and creates webhooks with it for every "
      .. "project of that provider in the region; shouldOverwrite replaces the existing one.",
    risks = {
      "Supply chain: builds run as an identity the importer chose, which can read or push "
        .. "to repositories that identity can reach.",
      "Persistence: a planted token keeps working until revoked at the provider.",
      "Compliance: SOC 2 CC8.1 (changes to the delivery pipeline authorised).",
    },
    console = {
      "1. CodeBuild > Settings (or a project's Source section): check which account the "
        .. "provider connection uses.",
      "2. Ask the actor whether the token change is planned and whose token it is.",
      "3. If not: delete the credential (CLI below), import the right one, and revoke the "
        .. "unknown token at the provider.",
      "4. Review recent builds and webhooks for unexpected sources.",
    },
    cli = {
      "aws codebuild list-source-credentials",
      "aws codebuild delete-source-credentials --arn <credential-arn>",
      "aws codebuild import-source-credentials --server-type GITHUB "
        .. "--auth-type PERSONAL_ACCESS_TOKEN --token <token>",
    },
  },
  tests = {
    { name = "token imported", fires = true, event = import({}),
      alert = { severity = "low", context = { server_type = "GITHUB",
        auth_type = "PERSONAL_ACCESS_TOKEN", overwrite = true } } },
    { name = "denied", fires = false, event = import({ err = "AccessDeniedException" }) },
    { name = "CloudFormation", fires = false,
      event = import({ by = "cloudformation.amazonaws.com" }) },
  },
}
