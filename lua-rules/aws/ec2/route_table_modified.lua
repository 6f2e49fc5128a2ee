-- A route or route table changed by hand (informational).
--
-- Routes decide where a subnet's traffic goes: a new default route through
-- an internet gateway exposes a private subnet, a route through an
-- instance can redirect traffic to it. Changes by infrastructure-as-code and
-- AWS services are skipped (vigil.net is_automation); the rest is a change
-- record to correlate. Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"
local unless = require "vigil.unless"

rule {
  id = "aws.ec2.route_table_modified",
  title = "Route table changed outside infrastructure-as-code",
  severity = "info",
  description = "A route or route table, or a subnet's route table association, was created, "
    .. "replaced or deleted by a person or script.",
  tags = { "attack.t1562.007", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html",
    "https://attack.mitre.org/techniques/T1562/007/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "CreateRoute", "ReplaceRoute", "DeleteRoute", "CreateRouteTable",
                       "DeleteRouteTable", "AssociateRouteTable", "DisassociateRouteTable",
                       "ReplaceRouteTableAssociation" },
         errorCode = false, unless = unless.of("aws_service", "iac") },
  when = function(e)
    return aws.succeeded(e) and not net.is_automation(e)
  end,
  output = "{actor} called {eventName} on route table {requestParameters.routeTableId}",
  context = function(e)
    local rp = e.requestParameters
    return { via_console = aws.is_console(e),
             destination = rp and (rp.destinationCidrBlock or rp.destinationIpv6CidrBlock),
             target = rp and (rp.gatewayId or rp.natGatewayId or rp.instanceId
               or rp.networkInterfaceId or rp.vpcPeeringConnectionId or rp.transitGatewayId) }
  end,
  runbook = {
    about = "Route tables send a subnet's traffic to its next hop: an internet or NAT "
      .. "gateway, a peering connection, a transit gateway, or an instance. This call added, "
      .. "replaced or removed a route, or changed which table a subnet uses, outside the "
      .. "tooling that normally manages the network.",
    risks = {
      "Exposure: a 0.0.0.0/0 route to an internet gateway makes a private subnet public.",
      "Interception: a route through an instance or network interface sends traffic "
        .. "through a host that can read it.",
      "Change control: CIS AWS Foundations Benchmark v1.4.0 4.13 asks for an alarm on "
        .. "route table changes.",
    },
    console = {
      "1. VPC > Virtual private cloud > Route tables: open the table from the alert, Routes "
        .. "tab, and check the destination and target in the alert's context.",
      "2. Subnet associations tab: see which subnets now follow the table.",
      "3. If the target is an instance or network interface, check who owns it.",
      "4. If the change is not planned: Edit routes to restore the previous target, or "
        .. "redeploy from code.",
    },
    cli = {
      "aws ec2 describe-route-tables --route-table-ids <route-table-id>",
      "aws ec2 delete-route --route-table-id <route-table-id> "
        .. "--destination-cidr-block <cidr>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<route-table-id>",
    },
  },
  tests = {
    { name = "default route to an internet gateway from a script", fires = true,
      event = "samples/route_created_igw.json",
      alert = { severity = "info",
                context = { via_console = false, destination = "0.0.0.0/0",
                            target = "igw-0c1d2e3f4a5b6c7d8" } } },
    { name = "route through an instance in the console", fires = true,
      event = "samples/route_replaced_instance.json" },
    { name = "CloudFormation stack", fires = false, event = "samples/route_created_cfn.json" },
    { name = "denied call", fires = false, event = "samples/route_created_denied.json" },
  },
}
