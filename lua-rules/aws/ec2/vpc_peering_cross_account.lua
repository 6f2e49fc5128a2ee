-- A VPC peering connection requested to, or accepted from, another account.
--
-- Peering joins two VPCs' address spaces; with another account it opens a
-- network path out of your boundary. Fires when the peer owner (peerOwnerId
-- on request, the requester's ownerId on acceptance) is neither the
-- record's account nor in vigil.net trusted_accounts. Fires for
-- infrastructure-as-code too (a cross-account link deserves a look however
-- it was made); AWS services acting for you stay quiet, as for the pack's
-- other medium rules. Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.vpc_peering_cross_account",
  title = "VPC peering with another account",
  severity = "medium",
  description = "A principal requested or accepted a VPC peering connection with a VPC owned "
    .. "by another AWS account.",
  tags = { "attack.t1599", "attack.defense_evasion", "attack.t1537", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_CreateVpcPeeringConnection.html",
    "https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html",
    "https://attack.mitre.org/techniques/T1599/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "CreateVpcPeeringConnection", "AcceptVpcPeeringConnection" } },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e) and net.peering_other_account(e) ~= nil
  end,
  output = "{actor} called {eventName} with a VPC in another account",
  context = function(e)
    return { peer_account = net.peering_other_account(e), via_console = aws.is_console(e),
             connection = e["responseElements.vpcPeeringConnection.vpcPeeringConnectionId"] }
  end,
  runbook = {
    about = "A VPC peering connection routes private traffic between two VPCs. Requested "
      .. "with peerOwnerId set to another account, it waits for that account to accept; "
      .. "accepted, it becomes active as soon as route tables point at it. Security groups "
      .. "can then reference the peer's address range.",
    risks = {
      "Exfiltration: data can flow to the other account's network without crossing the "
        .. "internet or your egress controls.",
      "Lateral movement: the other account's hosts may reach yours if routes and security "
        .. "groups allow it.",
      "Change control: CIS AWS Foundations Benchmark v1.4.0 4.14 asks for an alarm on VPC "
        .. "changes, peering included.",
    },
    console = {
      "1. Check the peer account in the alert's context against AWS Organizations > AWS "
        .. "accounts and your partner list.",
      "2. VPC > Peering connections: open the connection from the alert; check its status, "
        .. "the requester and accepter VPCs and their CIDR blocks.",
      "3. VPC > Route tables: look for routes whose target is the connection (pcx-...).",
      "4. If it is not approved: Actions > Delete peering connection (or Reject request if "
        .. "still pending). If it is, add the account to vigil.net trusted_accounts.",
    },
    cli = {
      "aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids <pcx-id>",
      "aws ec2 describe-route-tables --filters "
        .. "Name=route.vpc-peering-connection-id,Values=<pcx-id>",
      "aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id <pcx-id>",
    },
  },
  tests = {
    { name = "peering requested to an outside account", fires = true,
      event = "samples/vpc_peering_cross_account.json",
      alert = { severity = "medium",
                context = { peer_account = "444455556666", via_console = false,
                            connection = "pcx-0a1b2c3d4e5f6a7b8" } } },
    { name = "peering from an outside account accepted", fires = true,
      event = "samples/vpc_peering_accept_cross_account.json" },
    { name = "peering inside the account", fires = false,
      event = "samples/vpc_peering_same_account.json" },
    { name = "denied call", fires = false,
      event = "samples/vpc_peering_cross_account_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/vpc_peering_cross_account_cfn.json" },
  },
}
