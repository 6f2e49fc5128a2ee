-- A VPC, its gateways, endpoints or peering changed by hand (informational).
--
-- Covers the VPC itself (create, delete, attributes, CIDR blocks), its
-- gateways (internet, egress-only, NAT, VPN, customer), VPC endpoints and
-- peering. Changes by infrastructure-as-code and AWS services are skipped
-- (vigil.net is_automation). Peering with another account is left to
-- aws.ec2.vpc_peering_cross_account (medium), so one call raises one alert.
-- Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"
local unless = require "vigil.unless"

rule {
  id = "aws.ec2.vpc_modified",
  title = "VPC, gateway or peering changed outside infrastructure-as-code",
  severity = "info",
  description = "A VPC, one of its gateways or endpoints, or a peering connection was created, "
    .. "changed or deleted by a person or script.",
  tags = { "attack.t1562.007", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/vpc/latest/userguide/configure-your-vpc.html",
    "https://docs.aws.amazon.com/vpc/latest/peering/what-is-vpc-peering.html",
    "https://attack.mitre.org/techniques/T1562/007/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "ModifyVpcTenancy",
                       "AssociateVpcCidrBlock", "DisassociateVpcCidrBlock",
                       "CreateVpcPeeringConnection", "AcceptVpcPeeringConnection",
                       "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                       "ModifyVpcPeeringConnectionOptions", "AttachClassicLinkVpc",
                       "DetachClassicLinkVpc", "EnableVpcClassicLink", "DisableVpcClassicLink",
                       "CreateInternetGateway", "DeleteInternetGateway", "AttachInternetGateway",
                       "DetachInternetGateway", "CreateEgressOnlyInternetGateway",
                       "DeleteEgressOnlyInternetGateway", "CreateNatGateway", "DeleteNatGateway",
                       "CreateVpnGateway", "DeleteVpnGateway", "AttachVpnGateway",
                       "DetachVpnGateway", "CreateCustomerGateway", "DeleteCustomerGateway",
                       "CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints" },
         errorCode = false, unless = unless.of("aws_service", "iac") },
  when = function(e)
    return aws.succeeded(e) and not net.is_automation(e) and not net.peering_other_account(e)
  end,
  output = "{actor} called {eventName} in {region}",
  context = function(e)
    local rp = e.requestParameters
    return { via_console = aws.is_console(e),
             vpc = rp and rp.vpcId or e["responseElements.vpc.vpcId"] }
  end,
  runbook = {
    about = "The VPC is the network boundary of your workloads: its gateways decide what "
      .. "reaches the internet, its endpoints which AWS services it reaches privately (and "
      .. "under which endpoint policy), its peering connections which other networks it "
      .. "talks to. This call changed one of them outside the tooling that normally manages "
      .. "the network.",
    risks = {
      "Exposure: an internet gateway attached to a VPC built to be private, or a NAT "
        .. "gateway added, opens paths in or out.",
      "Exfiltration: a peering connection or an endpoint policy change can open a route "
        .. "for data to leave.",
      "Change control: CIS AWS Foundations Benchmark v1.4.0 4.12 (network gateway changes) "
        .. "and 4.14 (VPC changes) ask for alarms on these calls.",
    },
    console = {
      "1. VPC > Your VPCs: open the VPC from the alert's context and review its Resource map "
        .. "(subnets, route tables, gateways, endpoints).",
      "2. VPC > Peering connections / Internet gateways / NAT gateways / Endpoints: find the "
        .. "resource the call changed.",
      "3. CloudTrail > Event history: filter on User name = the actor for their other "
        .. "network changes around the alert time.",
      "4. If the change is not planned, undo it (detach the gateway, delete the peering or "
        .. "endpoint) or redeploy from code.",
    },
    cli = {
      "aws ec2 describe-vpcs --vpc-ids <vpc-id>",
      "aws ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values=<vpc-id>",
      "aws ec2 describe-vpc-peering-connections --filters "
        .. "Name=requester-vpc-info.vpc-id,Values=<vpc-id>",
      "aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=<vpc-id>",
    },
  },
  tests = {
    { name = "VPC created from the CLI", fires = true, event = "samples/vpc_created.json",
      alert = { severity = "info",
                context = { via_console = false, vpc = "vpc-0e7d6c5b4a3f2e1d0" } } },
    { name = "attribute changed in the console", fires = true,
      event = "samples/vpc_attribute_modified.json" },
    { name = "internet gateway attached by a script", fires = true,
      event = "samples/internet_gateway_attached.json" },
    { name = "peering inside the account", fires = true,
      event = "samples/vpc_peering_same_account.json" },
    { name = "peering with another account is vpc_peering_cross_account", fires = false,
      event = "samples/vpc_peering_cross_account.json" },
    { name = "CloudFormation stack", fires = false, event = "samples/vpc_created_cfn.json" },
    { name = "denied call", fires = false, event = "samples/vpc_created_denied.json" },
  },
}
