-- S3 objects read or written through a VPC endpoint from a public address.
--
-- Calls that cross an endpoint normally come from private addresses in the
-- VPC. A public source address on an object-level S3 call through your
-- endpoint means traffic reached it from outside the VPC's private ranges:
-- a peered or on-premises network using public addressing, or a path you
-- did not plan. Addresses in vigil.net trusted_cidrs (your on-premises
-- ranges) stay quiet. Limited to object reads and writes, where data moves;
-- refused calls are aws.vpc.endpoint_access_denied.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.vpc.endpoint_s3_external_ip",
  title = "S3 object access through a VPC endpoint from a public address",
  severity = "medium",
  description = "An S3 object was read, written, copied or deleted through a VPC endpoint by "
    .. "a client with a public IP address outside the site's trusted ranges.",
  tags = { "attack.t1530", "attack.collection", "attack.t1048", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "logging-network-events-with-cloudtrail.html",
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html",
    "https://attack.mitre.org/techniques/T1530/",
  },
  on = { eventSource = "s3.amazonaws.com",
         eventName = { "GetObject", "GetObjectVersion", "GetObjectAcl", "GetObjectVersionAcl",
                       "PutObject", "PutObjectAcl", "PutObjectVersionAcl", "CopyObject",
                       "DeleteObject", "DeleteObjectVersion", "DeleteObjects",
                       "RestoreObject", "SelectObjectContent" } },
  when = function(e)
    local ip = e.sourceIPAddress
    return net.is_vpce_event(e) and aws.succeeded(e) and net.is_public_ip(ip)
      and not net.is_trusted_ip(ip)
  end,
  output = "{eventName} through endpoint {vpcEndpointId} from public address {source_ip} "
    .. "by {actor}",
  context = function(e)
    return { endpoint = e.vpcEndpointId, caller_account = e["userIdentity.accountId"] }
  end,
  runbook = {
    about = "This network activity event shows an object-level S3 call that passed through "
      .. "your VPC endpoint from a public IP address. Interface endpoints can be reached "
      .. "from peered VPCs, VPNs and Direct Connect; gateway endpoints only from the VPC. A "
      .. "public source address means the request came over one of those paths from "
      .. "outside your private ranges.",
    risks = {
      "Exfiltration: data leaves through a path your egress monitoring does not watch.",
      "Perimeter gap: networks you did not intend to serve can use the endpoint.",
      "Compliance: NIST 800-53 SC-7 and AC-4 (information flow), SOC 2 CC6.7.",
    },
    console = {
      "1. Identify the source address: is it one of your on-premises or partner ranges? If "
        .. "so, add it to vigil.net trusted_cidrs.",
      "2. VPC > PrivateLink and Lattice > Endpoints: open the endpoint, check its type, "
        .. "security groups (interface endpoints) and policy.",
      "3. Restrict the endpoint's security group to your own ranges and the policy to your "
        .. "organization's principals and buckets.",
      "4. List the objects touched from that address in your trail and check them with the "
        .. "bucket owner.",
    },
    cli = {
      "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <vpce-id>",
      "aws ec2 describe-security-groups --group-ids <endpoint-sg-id>",
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> "
        .. "--policy-document file://org-only-policy.json",
    },
  },
  tests = {
    { name = "GetObject through the endpoint from a public address", fires = true,
      event = "samples/vpce_s3_public_ip.json",
      alert = { severity = "medium",
                context = { endpoint = "vpce-0a1b2c3d4e5f67890",
                            caller_account = "111122223333" } } },
    { name = "private address", fires = false, event = "samples/vpce_allowed_own_role.json" },
    { name = "S3 data event outside any endpoint", fires = false,
      event = "samples/s3_get_object_public_ip.json" },
    { name = "EC2 call is not an S3 object call", fires = false,
      event = "samples/vpce_ec2_public_ip.json" },
  },
}
