-- A network ACL created, changed, deleted or swapped on a subnet by hand.
--
-- Network ACLs are the stateless subnet firewalls. Changes made by
-- infrastructure-as-code or AWS services are left to their own review
-- (vigil.net is_automation); what remains is drift worth a look. Low: one
-- entry rarely matters alone, but the context flags an allow rule open to
-- the whole internet. Failed calls stay quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.network_acl_modified",
  title = "Network ACL changed outside infrastructure-as-code",
  severity = "low",
  description = "A network ACL or one of its entries was created, replaced or deleted, or a "
    .. "subnet was moved to another ACL, by a person or script.",
  tags = { "attack.t1562.007", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html",
    "https://attack.mitre.org/techniques/T1562/007/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                       "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry",
                       "ReplaceNetworkAclAssociation" } },
  when = function(e)
    return aws.succeeded(e) and not net.is_automation(e)
  end,
  output = "{actor} called {eventName} on network ACL {requestParameters.networkAclId}",
  context = function(e)
    local cidr = e["requestParameters.cidrBlock"] or e["requestParameters.ipv6CidrBlock"]
    return { via_console = aws.is_console(e), cidr = cidr,
             action = e["requestParameters.ruleAction"],
             egress = e["requestParameters.egress"],
             open_to_world = e["requestParameters.ruleAction"] == "allow"
               and e["requestParameters.egress"] == false and net.is_world_cidr(cidr) }
  end,
  runbook = {
    about = "A network ACL filters traffic entering and leaving a subnet, rule by rule in "
      .. "number order, without tracking connections. This call changed an ACL or which ACL "
      .. "a subnet uses, outside the tooling that normally manages the network.",
    risks = {
      "Defense evasion: an allow rule numbered before the deny rules opens the subnet; "
        .. "swapping a subnet onto the default ACL removes every restriction.",
      "Availability: a deny rule or a deleted entry can cut a subnet off.",
      "Change control: CIS AWS Foundations Benchmark v1.4.0 4.11 asks for an alarm on "
        .. "network ACL changes; AWS Foundational Security Best Practices control EC2.21 "
        .. "(no ingress from 0.0.0.0/0 to ports 22 or 3389).",
    },
    console = {
      "1. VPC > Security > Network ACLs: open the ACL from the alert, Inbound rules and "
        .. "Outbound rules tabs, and compare them with your infrastructure code.",
      "2. Check the Subnet associations tab to see which subnets the change affects.",
      "3. CloudTrail > Event history: filter on Resource name = the ACL ID for the "
        .. "sequence of changes and their authors.",
      "4. If unplanned: Edit inbound rules / Edit outbound rules to restore the entries, or "
        .. "redeploy the ACL from code.",
    },
    cli = {
      "aws ec2 describe-network-acls --network-acl-ids <acl-id>",
      "aws ec2 delete-network-acl-entry --network-acl-id <acl-id> --rule-number <n> "
        .. "--ingress",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<acl-id>",
    },
  },
  tests = {
    { name = "inbound RDP allowed from anywhere by a script", fires = true,
      event = "samples/nacl_entry_allow_world.json",
      alert = { severity = "low",
                context = { via_console = false, cidr = "0.0.0.0/0", action = "allow",
                            egress = false, open_to_world = true } } },
    { name = "subnet moved to another ACL in the console", fires = true,
      event = "samples/nacl_association_replaced.json" },
    { name = "CloudFormation stack", fires = false, event = "samples/nacl_entry_cfn.json" },
    { name = "denied call", fires = false, event = "samples/nacl_entry_denied.json" },
  },
}
