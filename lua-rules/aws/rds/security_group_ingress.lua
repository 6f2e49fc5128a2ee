-- Inbound access added to a DB security group (AuthorizeDBSecurityGroupIngress).
--
-- DB security groups are the EC2-Classic firewall of RDS; databases in a
-- VPC use VPC security groups instead (aws.ec2.*port_open_to_world). The API
-- still exists for older accounts, and any use of it now is unusual enough to
-- record. High when the range is the whole internet, else medium. Revoking
-- access, CloudFormation and failed calls are quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

local function world(e)
  return net.is_world_cidr(e["requestParameters.cIDRIP"])
end

rule {
  id = "aws.rds.security_group_ingress",
  title = "Inbound access added to an RDS DB security group",
  severity = function(e) return world(e) and "high" or "medium" end,
  description = "AuthorizeDBSecurityGroupIngress let an IP range or an EC2 security group "
    .. "reach databases in a DB security group.",
  tags = { "attack.t1098", "attack.persistence", "attack.t1562.007", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
      .. "API_AuthorizeDBSecurityGroupIngress.html",
  },
  on = { eventSource = "rds.amazonaws.com", eventName = "AuthorizeDBSecurityGroupIngress" },
  when = function(e) return aws.succeeded(e) and not aws.is_aws_service(e) end,
  output = "{actor} allowed {requestParameters.cIDRIP} / EC2 group "
    .. "{requestParameters.eC2SecurityGroupName} into DB security group "
    .. "{requestParameters.dBSecurityGroupName}",
  context = function(e) return { open_to_world = world(e) } end,
  runbook = {
    about = "A rule was added to a DB security group: an IP range (cIDRIP) or an EC2 security "
      .. "group may now connect to the database port of every instance using that group. "
      .. "open_to_world = true means 0.0.0.0/0 or ::/0.",
    risks = {
      "Unauthorized access: the database listener becomes reachable from the new range.",
      "Compliance: CIS AWS Foundations Benchmark 5.2 (no ingress from 0.0.0.0/0 to "
        .. "administration and database ports), PCI DSS 1.3.1.",
    },
    console = {
      "1. RDS > Security groups (EC2-Classic accounts only): open the group from the alert.",
      "2. Remove the new connection type entry if it was not approved.",
      "3. Plan the move of these databases into a VPC with VPC security groups.",
    },
    cli = {
      "aws rds describe-db-security-groups --db-security-group-name <group>",
      "aws rds revoke-db-security-group-ingress --db-security-group-name <group> "
        .. "--cidrip <cidr>",
    },
  },
  tests = {
    { name = "world", fires = true, event = "samples/db_sg_ingress_world.json",
      alert = { severity = "high", context = { open_to_world = true } } },
    { name = "office range", fires = true, event = "samples/db_sg_ingress_office.json",
      alert = { severity = "medium" } },
    { name = "EC2 group", fires = true, event = "samples/db_sg_ingress_ec2_group.json" },
    { name = "denied", fires = false, event = "samples/db_sg_ingress_world_denied.json" },
    { name = "revoke", fires = false, event = "samples/db_sg_revoke_world.json" },
    { name = "CloudFormation applying a template", fires = false,
      event = { eventSource = "rds.amazonaws.com", eventName = "AuthorizeDBSecurityGroupIngress",
                eventTime = "2024-05-21T14:09:40Z",
                userIdentity = { type = "AssumedRole",
                                 arn = "arn:aws:sts::111122223333:assumed-role/cfn/x",
                                 invokedBy = "cloudformation.amazonaws.com" },
                requestParameters = { dBSecurityGroupName = "legacy-db-sg",
                                      cIDRIP = "10.0.0.0/16" } } },
  },
}
