-- A security group opened to the whole internet on a port that is neither
-- sensitive nor one the site serves publicly.
--
-- The medium half of world-open ingress (see sensitive_port_open_to_world
-- for the split): a range that reaches a sensitive port goes to that rule,
-- and ranges limited to vigil.net public_ports (80, 443 by default) raise
-- no exposure alert. An AWS service acting for you (a CloudFormation stack)
-- stays quiet here, as for the pack's other medium rules; Terraform and
-- scripts do fire, since their change still exposes the port. A failed call
-- changed nothing: quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.port_open_to_world",
  title = "Security group opened to the internet",
  severity = "medium",
  description = "An inbound security group rule now admits 0.0.0.0/0 or ::/0 on a port that "
    .. "is not expected to face the internet.",
  tags = { "attack.t1562.007", "attack.defense_evasion", "attack.t1190",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_AuthorizeSecurityGroupIngress.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html",
    "https://attack.mitre.org/techniques/T1562/007/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules" } },
  when = function(e)
    local x
    if not aws.succeeded(e) or aws.is_aws_service(e) then
      return false
    end
    x = net.world_exposure(e)
    return x ~= nil and not x.sensitive and x.unexpected
  end,
  output = "{actor} opened security group {requestParameters.groupId} to the internet "
    .. "({eventName})",
  context = function(e)
    local x = net.world_exposure(e)
    return { ports = x.ports, cidrs = x.cidrs, via_console = aws.is_console(e),
             iac = net.is_iac(e) }
  end,
  runbook = {
    about = "AuthorizeSecurityGroupIngress adds inbound rules to a security group; "
      .. "ModifySecurityGroupRules rewrites existing ones. This call let every address on "
      .. "the internet (0.0.0.0/0 or ::/0) reach the ports in the alert's context. They are "
      .. "not on the sensitive list, but they are not the usual public web ports either: "
      .. "admin consoles, development servers and metrics endpoints often listen there.",
    risks = {
      "Unauthorized access: services meant for internal use (dashboards, debug servers, "
        .. "APIs without authentication) become reachable by anyone.",
      "Attack surface: every resource using the group is now in reach of internet-wide "
        .. "scanners.",
      "Compliance: AWS Foundational Security Best Practices control EC2.18 (unrestricted "
        .. "inbound traffic only on authorized ports); CIS AWS Foundations Benchmark v1.4.0 "
        .. "4.10 asks for an alarm on security group changes.",
    },
    console = {
      "1. EC2 > Network & Security > Security Groups: open the group from the alert and "
        .. "find the inbound rule with source 0.0.0.0/0 or ::/0 on the ports in the context.",
      "2. EC2 > Network & Security > Network Interfaces: filter on the group ID to see "
        .. "what listens behind it.",
      "3. Ask the actor what the port serves and whether it must face the internet.",
      "4. If not: Edit inbound rules, narrow the source to known addresses or delete the "
        .. "rule, Save rules. If it must stay, add the port to vigil.net public_ports.",
    },
    cli = {
      "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>",
      "aws ec2 describe-network-interfaces --filters Name=group-id,Values=<sg-id>",
      "aws ec2 revoke-security-group-ingress --group-id <sg-id> "
        .. "--security-group-rule-ids <sgr-id>",
    },
  },
  tests = {
    { name = "port 8080 open to the world from the CLI", fires = true,
      event = "samples/sg_ingress_8080_world.json",
      alert = { severity = "medium",
                context = { ports = "8080", cidrs = "0.0.0.0/0", via_console = false,
                            iac = false } } },
    { name = "Terraform opening 8080 still exposes it", fires = true,
      event = "samples/sg_ingress_8080_world_terraform.json",
      alert = { context = { ports = "8080", cidrs = "0.0.0.0/0", via_console = false,
                            iac = true } } },
    { name = "CloudFormation stack", fires = false,
      event = "samples/sg_ingress_8080_world_cfn.json" },
    { name = "SSH belongs to sensitive_port_open_to_world", fires = false,
      event = "samples/sg_ingress_ssh_world.json" },
    { name = "HTTPS to the world is a public port", fires = false,
      event = "samples/sg_ingress_https_world.json" },
    { name = "partner CIDR is not the world", fires = false,
      event = "samples/sg_ingress_partner_cidr_console.json" },
    { name = "denied call", fires = false,
      event = "samples/sg_ingress_https_world_denied.json" },
  },
}
