-- A principal of another account used your VPC endpoint successfully.
--
-- Network activity events reach the endpoint owner only. When the caller's
-- account (userIdentity.accountId) is neither the endpoint owner's nor in
-- vigil.net trusted_accounts, something inside your network signed a call
-- with foreign credentials, and the endpoint policy let it through. Refused
-- calls are aws.vpc.endpoint_access_denied. Only sources in vigil.net
-- vpce_sources are watched.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.vpc.endpoint_external_principal",
  title = "External account's credentials used through a VPC endpoint",
  severity = "medium",
  description = "A call signed with another AWS account's credentials passed through one of "
    .. "your VPC endpoints and was allowed.",
  tags = { "attack.t1599", "attack.defense_evasion", "attack.t1048", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "logging-network-events-with-cloudtrail.html",
    "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
    "https://attack.mitre.org/techniques/T1048/",
  },
  on = { eventSource = net.vpce_sources, eventType = "AwsVpceEvent", errorCode = false },
  when = function(e)
    return net.is_vpce_event(e) and aws.succeeded(e) and net.vpce_external_caller(e) ~= nil
  end,
  output = "account {userIdentity.accountId} called {eventSource} {eventName} through "
    .. "endpoint {vpcEndpointId} from {source_ip}",
  context = function(e)
    return { endpoint = e.vpcEndpointId, caller_account = net.vpce_external_caller(e) }
  end,
  runbook = {
    about = "This network activity event shows a call made through your VPC endpoint with "
      .. "credentials that belong to another AWS account, and allowed by the endpoint "
      .. "policy. A host inside your VPC held those credentials. Endpoint policies that do "
      .. "not restrict principals (the default policy allows everything) let such calls "
      .. "through.",
    risks = {
      "Exfiltration: an attacker on a compromised host can copy data to a bucket of their "
        .. "own through your endpoint, outside your egress controls.",
      "Data perimeter gap: the endpoint policy does not limit principals to your "
        .. "organization (aws:PrincipalOrgID).",
      "Compliance: NIST 800-53 SC-7 and AC-4 (information flow), SOC 2 CC6.7 (data moved "
        .. "only to authorised parties).",
    },
    console = {
      "1. EC2 > Network & Security > Network Interfaces: search the source address to find "
        .. "the host that made the call.",
      "2. Check the caller account against AWS Organizations > AWS accounts and your "
        .. "partners; if it is a known partner, add it to vigil.net trusted_accounts.",
      "3. Otherwise isolate the host (security group without rules), keep its disk for "
        .. "forensics, and look for the foreign credentials on it.",
      "4. VPC > PrivateLink and Lattice > Endpoints: open the endpoint, Policy tab, and limit "
        .. "principals and resources to your organization.",
    },
    cli = {
      "aws ec2 describe-network-interfaces --filters "
        .. "Name=addresses.private-ip-address,Values=<source-ip>",
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> "
        .. "--policy-document file://org-only-policy.json",
      "aws organizations describe-account --account-id <account-id>",
    },
  },
  tests = {
    { name = "S3 read with an outside account's key", fires = true,
      event = "samples/vpce_allowed_outside_account.json",
      alert = { severity = "medium",
                context = { endpoint = "vpce-0a1b2c3d4e5f67890",
                            caller_account = "444455556666" } } },
    { name = "Secrets Manager read with an outside account's key", fires = true,
      event = "samples/vpce_allowed_outside_account_secrets.json" },
    { name = "own role through the endpoint", fires = false,
      event = "samples/vpce_allowed_own_role.json" },
    { name = "refused call is endpoint_access_denied", fires = false,
      event = "samples/vpce_denied_outside_account.json" },
  },
}
