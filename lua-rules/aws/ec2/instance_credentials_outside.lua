-- EC2 instance role credentials used from an address outside your network.
--
-- Instance profile credentials come from the instance metadata service and
-- are meant to be used by the instance itself. When a call signed with them
-- arrives from a public address that is not one of yours, they were most
-- likely copied off the instance (SSRF against the metadata service, a
-- compromised host) and are being used elsewhere. Instance sessions are
-- recognised by vigil.net is_instance_session (ec2RoleDelivery, or a role
-- session named after an instance id).
--
-- Quiet for: private addresses and AWS service host names, calls AWS makes
-- for you (invokedBy), the SSM agent (it talks to AWS from the instance's
-- public address all day), and addresses in vigil.net trusted_cidrs.
-- Failed calls fire too: a refused call from outside still proves the
-- credentials left the instance.
-- Known gap: an instance with a public address that calls AWS directly
-- (no NAT, no VPC endpoint) shows its own public address; list such
-- addresses (or your NAT gateways' Elastic IPs) in trusted_cidrs. Telling
-- AWS-owned addresses apart needs AWS's published ip-ranges.json, which the
-- sandbox cannot load; only services in vigil.net credential_use_sources
-- are watched, because a rule indexed on every event would slow the pack.
--
-- One alert per session and source address per hour: a thief with stolen
-- credentials lists and downloads in a burst (11 calls from one address in
-- the OTRF cloud_breach_s3 capture, docs/coverage.md), and the first call
-- says all there is to say; the rest are counted in the next alert's
-- duplicates. A second address, or a second instance's session, alerts on
-- its own. Known weakness: the count waits for the key's next alert.
local aws = require "vigil.aws"
local net = require "vigil.net"

-- A call by an instance role session from `ip` at minute `min`, for the tests.
local function call(ip, min, instance)
  local role = "arn:aws:iam::111122223333:role/web-app-role"
  return { eventSource = "s3.amazonaws.com", eventName = "ListObjects",
           eventTime = string.format("2024-06-03T%02d:%02d:00Z", min // 60, min % 60),
           sourceIPAddress = ip, userAgent = "aws-cli/2.15.30",
           userIdentity = {
             type = "AssumedRole",
             arn = "arn:aws:sts::111122223333:assumed-role/web-app-role/"
               .. (instance or "i-0abc1234def567890"),
             sessionContext = { sessionIssuer = { type = "Role", arn = role },
                                ec2RoleDelivery = "2.0" } } }
end

rule {
  id = "aws.ec2.instance_credentials_outside",
  title = "EC2 instance credentials used from outside",
  severity = "high",
  description = "A call signed with an EC2 instance role's temporary credentials came from a "
    .. "public IP address that is not one of the site's own.",
  tags = { "attack.t1552.005", "attack.credential_access", "attack.t1078.004",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
    "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html",
    "https://attack.mitre.org/techniques/T1552/005/",
  },
  on = { eventSource = net.credential_use_sources, ["userIdentity.type"] = "AssumedRole" },
  dedup = { window = "1h", key = { "userIdentity.arn", "sourceIPAddress" } },
  when = function(e)
    -- most role sessions here are not an instance's: ask that first
    if not net.is_instance_session(e) or aws.is_aws_service(e) then
      return false
    end
    local ip = e.sourceIPAddress
    local ua = e.userAgent
    return net.is_public_ip(ip) and not net.is_trusted_ip(ip)
      and not (type(ua) == "string" and ua:find("amazon-ssm-agent", 1, true))
  end,
  output = "instance role session {actor} called {eventSource} {eventName} from {source_ip}",
  context = function(e)
    return { role = e["userIdentity.sessionContext.sessionIssuer.arn"],
             imds = e["userIdentity.sessionContext.ec2RoleDelivery"],
             error_code = e.errorCode }
  end,
  runbook = {
    about = "EC2 hands an instance temporary credentials for its IAM role through the "
      .. "instance metadata service; CloudTrail names the session after the instance ID. "
      .. "This call used those credentials from a public address outside the site's known "
      .. "egress ranges. An instance calling AWS from its own public address looks the "
      .. "same, so first check whether the address belongs to one of your instances. One "
      .. "alert stands for the session's calls from that address over an hour; "
      .. "duplicates counts the earlier ones it folds in.",
    risks = {
      "Credential theft: the role's credentials were read from the metadata service (SSRF, "
        .. "a compromised process) and are in someone else's hands until they expire, "
        .. "typically within six hours, and the thief can keep refreshing access if the "
        .. "host stays compromised.",
      "Unauthorized access and privilege escalation: the caller has every permission of "
        .. "the instance role.",
      "AWS Foundational Security Best Practices control EC2.8 (use IMDSv2) reduces SSRF "
        .. "theft of these credentials.",
    },
    console = {
      "1. EC2 > Network & Security > Elastic IPs and EC2 > Instances: search the source "
        .. "address from the alert. If it is one of your instances or NAT gateways, add it "
        .. "to vigil.net trusted_cidrs and close the alert.",
      "2. Otherwise: IAM > Roles, open the role from the alert's context, Revoke sessions "
        .. "tab, Revoke active sessions: every credential issued before now is denied.",
      "3. CloudTrail > Event history: filter on Access key ID = the key in the alert and list "
        .. "everything it did, from which addresses.",
      "4. EC2 > Instances: open the instance named in the session, check Metadata options "
        .. "(require IMDSv2), and investigate the host for SSRF or compromise; replace it if "
        .. "in doubt.",
    },
    cli = {
      "aws ec2 describe-addresses --public-ips <source-ip>",
      "aws ec2 describe-instances --filters Name=ip-address,Values=<source-ip>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<access-key-id>",
      "aws iam put-role-policy --role-name <role> --policy-name AWSRevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
      "aws ec2 modify-instance-metadata-options --instance-id <instance-id> "
        .. "--http-tokens required",
    },
  },
  tests = {
    { name = "DescribeInstances from a public address", fires = true,
      event = "samples/instance_creds_public_ip.json",
      alert = { severity = "high",
                context = { role = "arn:aws:iam::111122223333:role/web-app-role",
                            imds = "2.0" } } },
    { name = "GetCallerIdentity from a public IPv6 address", fires = true,
      event = "samples/instance_creds_public_ip_sts.json" },
    { name = "a refused call from outside still fires", fires = true,
      event = "samples/instance_creds_public_ip_denied.json",
      alert = { context = { role = "arn:aws:iam::111122223333:role/web-app-role",
                            imds = "2.0", error_code = "AccessDenied" } } },
    { name = "from the instance's private address", fires = false,
      event = "samples/instance_creds_private_ip.json" },
    { name = "SSM agent from the instance's public address", fires = false,
      event = "samples/instance_creds_ssm_agent.json" },
    { name = "AWS service host name as source", fires = false,
      event = "samples/instance_creds_service_host.json" },
    { name = "an ordinary role session from a public address", fires = false,
      event = "samples/role_session_public_ip.json" },
    { name = "a burst from one address is one alert", fires = false, alerts = 1,
      events = { call("198.51.100.23", 600), call("198.51.100.23", 600),
                 call("198.51.100.23", 603), call("198.51.100.23", 640) } },
    { name = "a second address alerts on its own", fires = true, alerts = 2,
      events = { call("198.51.100.23", 600), call("198.51.100.23", 601),
                 call("203.0.113.9", 602) } },
    { name = "a second instance's session alerts on its own", fires = true, alerts = 2,
      events = { call("198.51.100.23", 600),
                 call("198.51.100.23", 601, "i-0fff1234def567890") } },
    { name = "an hour later alerts again, counting the folded calls", fires = true,
      alerts = 2, events = { call("198.51.100.23", 600), call("198.51.100.23", 630),
                             call("198.51.100.23", 700) },
      alert = { duplicates = 2 } },
  },
}
