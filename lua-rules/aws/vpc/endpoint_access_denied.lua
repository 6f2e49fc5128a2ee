-- A request refused by a VPC endpoint policy (network activity event).
--
-- Endpoint policies are the data perimeter at the network edge: they say
-- which principals and resources may be reached through the endpoint. A
-- refusal means something inside the VPC tried to go where the perimeter
-- forbids (another account's bucket, a key it should not use), or an
-- outside principal tried to use your endpoint. The refusal is the signal,
-- so this rule is made of failed calls only. Requires a trail that logs
-- network activity events; only sources in vigil.net vpce_sources are
-- watched.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.vpc.endpoint_access_denied",
  title = "Request denied by a VPC endpoint policy",
  severity = "medium",
  description = "A call through a VPC endpoint was refused by the endpoint policy "
    .. "(errorCode VpceAccessDenied).",
  tags = { "attack.t1599", "attack.defense_evasion", "attack.t1526", "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "logging-network-events-with-cloudtrail.html",
    "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
    "https://attack.mitre.org/techniques/T1599/",
  },
  on = { eventSource = net.vpce_sources, eventType = "AwsVpceEvent",
         errorCode = "VpceAccessDenied" },
  when = function(e)
    return e.errorCode == "VpceAccessDenied" and net.is_vpce_event(e)
  end,
  output = "{eventSource} {eventName} by {actor} from {source_ip} refused by the policy of "
    .. "endpoint {vpcEndpointId}",
  context = function(e)
    return { endpoint = e.vpcEndpointId, caller_account = e["userIdentity.accountId"],
             external = net.vpce_external_caller(e) ~= nil }
  end,
  runbook = {
    about = "Network activity events record API calls that pass through your VPC endpoints. "
      .. "This one was refused by the endpoint's policy (VpceAccessDenied): the caller, the "
      .. "action or the target resource is outside what the endpoint allows. The record "
      .. "names the caller's account and the private address inside the VPC that sent it; "
      .. "request parameters are not recorded.",
    risks = {
      "Exfiltration attempt: a workload trying to write to a bucket or use a key outside "
        .. "your organization is a classic data-theft step, here stopped at the perimeter.",
      "Compromised host: the source address identifies an instance or container that "
        .. "holds credentials it should not have (context external = true).",
      "Misconfiguration: a legitimate new integration blocked by the policy shows up the "
        .. "same way; fix the policy rather than ignore the alert.",
      "Compliance: NIST 800-53 SC-7 (boundary protection) and SOC 2 CC6.6: the data "
        .. "perimeter held, but someone inside tried to cross it.",
    },
    console = {
      "1. EC2 > Network & Security > Network Interfaces: search the source address from the "
        .. "alert to find the instance, task or function behind it.",
      "2. VPC > PrivateLink and Lattice > Endpoints: open the endpoint from the alert, Policy "
        .. "tab, and see which statement refused the call.",
      "3. If the caller's account (context caller_account) is not yours, treat the host as "
        .. "compromised: isolate it and collect its logs.",
      "4. CloudTrail > Event history (or your trail): filter on the same source address for "
        .. "other refused and accepted calls.",
    },
    cli = {
      "aws ec2 describe-network-interfaces --filters "
        .. "Name=addresses.private-ip-address,Values=<source-ip>",
      "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <vpce-id> "
        .. "--query 'VpcEndpoints[].PolicyDocument'",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventSource,AttributeValue=<event-source>",
    },
  },
  tests = {
    { name = "outside account refused at the endpoint", fires = true,
      event = "samples/vpce_denied_outside_account.json",
      alert = { severity = "medium",
                context = { endpoint = "vpce-0a1b2c3d4e5f67890",
                            caller_account = "444455556666", external = true } } },
    { name = "own role refused (KMS)", fires = true, event = "samples/vpce_denied_own_role.json",
      alert = { context = { endpoint = "vpce-0a1b2c3d4e5f67890",
                            caller_account = "111122223333", external = false } } },
    { name = "allowed call", fires = false, event = "samples/vpce_allowed_own_role.json" },
    { name = "ordinary AccessDenied outside any endpoint", fires = false,
      event = "samples/kms_decrypt_denied.json" },
  },
}
