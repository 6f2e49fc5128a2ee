-- IAM groups, policies and instance profiles created outside infrastructure
-- code.
--
-- A hygiene rule for sites that manage IAM as code: the same create calls
-- made by a person (console, CLI, SDK) bypass review. Users and roles are
-- left to create_user (medium) and create_role (info), policy versions to
-- set_default_policy_version, so one call gives one alert. Quiet for AWS
-- services (CloudFormation shows as invokedBy) and the agents in
-- vigil.identity iac_agents (tune per site; user agents can be faked, which
-- only mutes this low rule). A failed call created nothing: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.entity_created_manually",
  title = "IAM group, policy or instance profile created by hand",
  severity = "low",
  description = "An IAM group, customer managed policy or instance profile was created "
    .. "outside CloudFormation and the known infrastructure-as-code tools.",
  tags = { "attack.t1098", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "CreateGroup", "CreatePolicy", "CreateInstanceProfile" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and not identity.agent_has(e, identity.iac_agents)
  end,
  output = "{actor} called {eventName} by hand ({user_agent})",
  context = function(e)
    return { name = e["requestParameters.policyName"] or e["requestParameters.groupName"]
               or e["requestParameters.instanceProfileName"],
             full_access = (identity.grants_full_access(e["requestParameters.policyDocument"])),
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A group, a customer managed policy or an instance profile (the wrapper that "
      .. "puts a role on an EC2 instance) was created from the console, the CLI or an SDK "
      .. "rather than by your infrastructure code. Alone it grants nothing; it is the first "
      .. "step of a permission change that skipped review.",
    risks = {
      "Drift and unreviewed access: hand-made IAM objects are missed by code review and "
        .. "clean-up.",
      "Staging for escalation: a policy created now (context full_access) is attached "
        .. "later; an instance profile lets a role ride on an instance.",
      "Change management controls: access-control changes are expected to go through an "
        .. "approved, reviewed process.",
      "Compliance: SOC 2 CC8.1 and NIST 800-53 CM-3 (changes go through the approved "
        .. "pipeline).",
    },
    console = {
      "1. IAM: open the new group, policy or instance profile named in context name.",
      "2. Ask the actor why it was made by hand; if it is needed, have it added to "
        .. "infrastructure code.",
      "3. If nobody needs it, delete it.",
    },
    cli = {
      "aws iam get-policy --policy-arn <policy-arn>",
      "aws iam get-group --group-name <group>",
      "aws iam get-instance-profile --instance-profile-name <name>",
      "aws iam delete-policy --policy-arn <policy-arn>",
      "aws iam delete-group --group-name <group>",
      "aws iam delete-instance-profile --instance-profile-name <name>",
    },
  },
  tests = {
    { name = "policy created in the console", fires = true, event = "samples/create_policy.json",
      alert = { severity = "low", context = { name = "reports-bucket-read",
                                              full_access = false, via_console = true } } },
    { name = "users are create_user's", fires = false, event = "samples/create_user.json" },
    { name = "CloudFormation", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "CreateGroup",
                eventTime = "2024-06-11T10:00:00Z", requestParameters = { groupName = "g" },
                userIdentity = { type = "AssumedRole",
                                 invokedBy = "cloudformation.amazonaws.com" } } },
    { name = "Terraform", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "CreatePolicy",
                eventTime = "2024-06-11T10:00:00Z", requestParameters = { policyName = "p" },
                userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io)",
                userIdentity = { type = "IAMUser", userName = "terraform-ci" } } },
    { name = "failed call", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "CreateGroup",
                eventTime = "2024-06-11T10:00:00Z", errorCode = "EntityAlreadyExists",
                requestParameters = { groupName = "g" },
                userIdentity = { type = "IAMUser", userName = "alice" } } },
  },
}
