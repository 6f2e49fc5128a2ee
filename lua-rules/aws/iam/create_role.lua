-- A new IAM role created by hand (informational).
--
-- An inventory signal: roles are how access is granted in AWS, and a role
-- nobody's code created is worth a glance. Roles made by AWS services
-- (CloudFormation stacks) and by the infrastructure-as-code agents in
-- vigil.identity iac_agents are quiet: a caller can fake a user agent, but
-- only this info rule listens to it; a role trusting "*" or another account
-- raises role_trust_public or role_trust_external_account whoever made it.
-- A failed call created nothing: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.create_role",
  title = "IAM role created",
  severity = "info",
  description = "A principal created an IAM role outside CloudFormation and the known "
    .. "infrastructure-as-code tools.",
  tags = { "attack.t1136.003", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
    "https://attack.mitre.org/techniques/T1136/003/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "CreateRole" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and not identity.agent_has(e, identity.iac_agents)
  end,
  output = "{actor} created role {requestParameters.roleName}",
  context = function(e)
    return { trust = identity.trust_exposure(e["requestParameters.assumeRolePolicyDocument"],
                                             identity.own_account(e)) or "account",
             via_console = aws.is_console(e), root = aws.is_root(e) }
  end,
  runbook = {
    about = "CreateRole made a new IAM role with a trust policy (who may assume it) and, "
      .. "usually followed by attach or put calls, permissions. Most roles come from "
      .. "infrastructure code; this one was made from the console, the CLI or an SDK. "
      .. "Context trust says whether the trust reaches outside the account.",
    risks = {
      "Persistence: a role an attacker can assume (from a service they control or another "
        .. "account) outlives the credential they started with.",
      "Drift: roles made by hand escape code review and are rarely cleaned up.",
      "Compliance: SOC 2 CC6.2 (new identities authorised before they exist), NIST 800-53 "
        .. "AC-2 (account management).",
    },
    console = {
      "1. IAM > Roles: open the role; read Trust relationships and Permissions.",
      "2. Ask the actor what it is for; if nobody owns it, delete it (Delete, type the "
        .. "role name).",
      "3. If it stays, have it added to infrastructure code so changes are reviewed.",
    },
    cli = {
      "aws iam get-role --role-name <role>",
      "aws iam list-attached-role-policies --role-name <role>",
      "aws iam list-role-policies --role-name <role>",
      "aws iam delete-role --role-name <role>",
    },
  },
  tests = {
    { name = "role created with the CLI", fires = true, event = "samples/create_role.json",
      alert = { severity = "info", context = { trust = "account", via_console = false,
                                               root = false } } },
    { name = "vendor role created in the console", fires = true,
      event = "samples/create_role_external.json",
      alert = { context = { trust = "external", via_console = true, root = false } } },
    { name = "CloudFormation stack", fires = false, event = "samples/create_role_cfn.json" },
    { name = "Terraform", fires = false, event = "samples/create_role_terraform.json" },
    { name = "denied call", fires = false, event = "samples/create_role_denied.json" },
  },
}
