-- A CodeBuild project's builds made public.
--
-- UpdateProjectVisibility with PUBLIC_READ lets anyone on the internet read
-- the project's build results: logs and artifacts, which routinely print
-- environment variables, repository URLs and tokens. Switching back to
-- PRIVATE, failed calls and stacks (CloudFormation) stay quiet.
local aws = require "vigil.aws"

local function visibility(v, opts)
  return { eventSource = "codebuild.amazonaws.com", eventName = "UpdateProjectVisibility",
           eventTime = "2024-03-14T12:30:00Z", errorCode = opts.err,
           userIdentity = { type = "AssumedRole", invokedBy = opts.by,
                            arn = "arn:aws:sts::111122223333:assumed-role/dev/sam" },
           requestParameters = { projectVisibility = v,
             projectArn = "arn:aws:codebuild:us-east-1:111122223333:project/orders-build" } }
end

rule {
  id = "aws.codebuild.project_made_public",
  title = "CodeBuild project made public",
  severity = "high",
  description = "UpdateProjectVisibility set a CodeBuild project's build results to "
    .. "PUBLIC_READ: anyone can read its logs and artifacts.",
  tags = { "attack.t1530", "attack.collection", "attack.t1552", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_UpdateProjectVisibility.html",
    "https://docs.aws.amazon.com/codebuild/latest/userguide/public-builds.html",
  },
  on = { eventSource = "codebuild.amazonaws.com", eventName = "UpdateProjectVisibility" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and e["requestParameters.projectVisibility"] == "PUBLIC_READ"
  end,
  output = "{actor} made CodeBuild project {requestParameters.projectArn} public",
  context = function(e)
    return { public_url = e["responseElements.publicProjectAlias"],
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "UpdateProjectVisibility changes who can see a CodeBuild project's builds. "
      .. "PUBLIC_READ publishes build logs and artifacts at a public URL (no AWS sign-in), "
      .. "using the resource access role to read them.",
    risks = {
      "Credential exposure: build logs print environment variables, tokens and internal "
        .. "URLs; artifacts may embed configuration.",
      "Unauthorized access to source code and binaries produced by the build.",
      "Compliance: SOC 2 CC6.1 / C1.1 (confidential data protected), PCI DSS 7.2.",
    },
    console = {
      "1. CodeBuild > Build projects: open the project, Edit > Project configuration: "
        .. "Public build access.",
      "2. Ask the actor whether the project is meant to be public (an open-source build).",
      "3. If not: clear Enable public build access and Update configuration.",
      "4. Read recent build logs for secrets and rotate any that were printed.",
    },
    cli = {
      "aws codebuild batch-get-projects --names <project> "
        .. "--query 'projects[].{v:projectVisibility,alias:publicProjectAlias}'",
      "aws codebuild update-project-visibility --project-arn <project-arn> "
        .. "--project-visibility PRIVATE",
    },
  },
  tests = {
    { name = "made public", fires = true, event = visibility("PUBLIC_READ", {}),
      alert = { severity = "high" } },
    { name = "made private", fires = false, event = visibility("PRIVATE", {}) },
    { name = "denied", fires = false,
      event = visibility("PUBLIC_READ", { err = "AccessDeniedException" }) },
    { name = "through CloudFormation", fires = false,
      event = visibility("PUBLIC_READ", { by = "cloudformation.amazonaws.com" }) },
  },
}
