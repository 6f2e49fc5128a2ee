-- A role session assumed another role (role chaining).
--
-- AssumeRole called with credentials that are themselves a role session
-- (userIdentity AssumedRole issued by a Role). Ported from the Sigma rule
-- "AWS STS AssumeRole Misuse" (DRL 1.1, author credited below). Chaining is
-- how attackers hop from a foothold (an instance profile, a CI role) to the
-- roles it can reach, and how they reset a session's clock; it is also
-- ordinary in many pipelines, hence low. AWS services assuming roles for
-- you (userIdentity AWSService) are not chains: quiet. Failed calls are
-- quiet here (refused hops in bulk are a stateful reconnaissance pattern).
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.sts.role_chaining",
  title = "Role session assumed another role (role chaining)",
  severity = "low",
  author = "Austin Songer @austinsonger (Sigma)",
  description = "A principal acting with a role's temporary credentials called AssumeRole "
    .. "to take on a further role.",
  tags = { "attack.t1550.001", "attack.lateral_movement", "attack.defense_evasion",
           "attack.t1078.004", "attack.privilege_escalation" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_sts_assumerole_misuse.yml",
    "https://attack.mitre.org/techniques/T1550/001/",
  },
  on = { eventSource = "sts.amazonaws.com", eventName = "AssumeRole", errorCode = false,
         ["userIdentity.type"] = "AssumedRole" },
  when = function(e)
    return aws.succeeded(e) and identity.is_role_session(e)
  end,
  output = "{actor} assumed role {requestParameters.roleArn} from a role session",
  context = function(e)
    local target = e["requestParameters.roleArn"] or ""
    return { from_role = e["userIdentity.sessionContext.sessionIssuer.arn"],
             cross_account = target:match("^arn:[%w%-]+:iam::(%d+):")
               ~= identity.own_account(e) }
  end,
  runbook = {
    about = "Role chaining is assuming a role with the temporary credentials of another "
      .. "role. Each hop gives a fresh session (at most one hour) with the new role's "
      .. "permissions. CI systems and cross-account pipelines chain roles by design; an "
      .. "attacker on an instance or in a container does it to move to the roles the "
      .. "first one may assume, across accounts if trusted.",
    risks = {
      "Lateral movement and privilege escalation: from a foothold role to more powerful "
        .. "ones, possibly in other accounts (context cross_account).",
      "Defense evasion: later calls carry the new role's session, hiding the original "
        .. "identity unless the chain is followed back.",
      "Compliance: NIST 800-53 AC-6 (least privilege) and AU-3 (records identify the "
        .. "originating identity: require sts:SourceIdentity); SOC 2 CC6.3.",
    },
    console = {
      "1. Compare the pair in the alert (context from_role, then the target role) with "
        .. "your known pipelines; most chains repeat every day.",
      "2. IAM > Roles > the target role > Trust relationships: confirm the first role is "
        .. "meant to be trusted.",
      "3. CloudTrail > Event history: filter on User name = the new session name "
        .. "(requestParameters.roleSessionName) to see what the session did.",
      "4. If unknown: remove the first role from the target's trust policy and revoke the "
        .. "target role's sessions (Revoke sessions tab).",
    },
    cli = {
      "aws iam get-role --role-name <target-role>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<role-session-name>",
      "aws iam update-assume-role-policy --role-name <target-role> "
        .. "--policy-document file://trust.json",
      "aws iam put-role-policy --role-name <target-role> --policy-name AWSRevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
    },
  },
  tests = {
    { name = "CI role session assumes the prod deployer", fires = true,
      event = "samples/assume_role_chained.json",
      alert = { author = "Austin Songer @austinsonger (Sigma)",
                context = { from_role = "arn:aws:iam::111122223333:role/ci-deployer",
                            cross_account = false } } },
    { name = "IAM user assuming a role is not a chain", fires = false,
      event = "samples/assume_role_by_user.json" },
    { name = "AWS service assuming a role for you", fires = false,
      event = "samples/assume_role_by_service.json" },
    { name = "denied hop", fires = false, event = "samples/assume_role_chained_denied.json" },
  },
}
