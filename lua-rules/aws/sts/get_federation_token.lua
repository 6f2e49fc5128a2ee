-- Temporary federated-user credentials issued with GetFederationToken.
--
-- Few setups still use GetFederationToken (identity brokers written before
-- IAM Identity Center); intruders holding a user's long-term key use it to
-- mint session credentials that live up to 36 hours, survive the deletion of
-- that key, and can be turned into a console sign-in (GetSigninToken). Any
-- successful call fires; the context says whether the session policy asks
-- for full access. Only IAM users and root can call it, so there is no AWS
-- service case. A failed call issued nothing: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.sts.get_federation_token",
  title = "Federated user credentials issued (GetFederationToken)",
  severity = "medium",
  description = "An IAM user (or root) created temporary credentials for a federated user "
    .. "with GetFederationToken.",
  tags = { "attack.t1550.001", "attack.defense_evasion", "attack.t1078.004",
           "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
      .. "id_credentials_temp_control-access_disable-perms.html",
    "https://attack.mitre.org/techniques/T1550/001/",
  },
  on = { eventSource = "sts.amazonaws.com", eventName = "GetFederationToken" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} issued federated-user credentials for {requestParameters.name} "
    .. "from {source_ip}",
  context = function(e)
    return { full_access = (identity.grants_full_access(e["requestParameters.policy"])),
             duration_seconds = e["requestParameters.durationSeconds"],
             federated_user = e["responseElements.federatedUser.arn"], root = aws.is_root(e) }
  end,
  runbook = {
    about = "GetFederationToken returns temporary credentials (up to 36 hours; 1 hour for "
      .. "root) for a named federated user. Their permissions are what the calling IAM "
      .. "user has, narrowed by the session policy passed in the call. Deleting or "
      .. "deactivating the caller's access key does not end these sessions, and they can "
      .. "be exchanged for a console sign-in link through the federation endpoint.",
    risks = {
      "Persistence: credentials that outlive the long-term key the attacker stole, so "
        .. "rotating that key is not enough.",
      "Defense evasion: later calls show a federated-user identity rather than the IAM "
        .. "user, which searches by user name miss.",
      "Unauthorized console access through GetSigninToken with these credentials.",
      "Compliance: NIST 800-53 AC-2 and SOC 2 CC6.1: federated sessions outlive the "
        .. "deactivation of the user's key and must be revoked on their own.",
    },
    console = {
      "1. Check with the owner of the calling IAM user whether anything they run uses "
        .. "GetFederationToken.",
      "2. If not: IAM > Users > the caller > Permissions > Add permissions > Create inline "
        .. "policy denying all actions (\"Effect\": \"Deny\", \"Action\": \"*\", "
        .. "\"Resource\": \"*\"); federated sessions lose every permission at once, because "
        .. "they can never exceed the user's.",
      "3. Deactivate the caller's access keys (Security credentials tab).",
      "4. CloudTrail > Event history: filter on User name = the federated user name "
        .. "(requestParameters.name) to see what the sessions did.",
    },
    cli = {
      "aws iam put-user-policy --user-name <user> --policy-name deny-all "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}'",
      "aws iam list-access-keys --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<federated-name>",
    },
  },
  tests = {
    { name = "36-hour token asking for full access", fires = true,
      event = "samples/get_federation_token.json",
      alert = { context = { full_access = true, duration_seconds = 129600, root = false,
                            federated_user = "arn:aws:sts::111122223333:federated-user/maint" } } },
    { name = "scoped token still fires", fires = true,
      event = "samples/get_federation_token_scoped.json",
      alert = { context = { full_access = false, duration_seconds = 3600, root = false,
                            federated_user = "arn:aws:sts::111122223333:federated-user/"
                              .. "report-viewer" } } },
    { name = "denied call", fires = false, event = "samples/get_federation_token_denied.json" },
    { name = "made through a CloudFormation stack still fires", fires = true,
      event = "samples/get_federation_token_cfn.json" },
  },
}
