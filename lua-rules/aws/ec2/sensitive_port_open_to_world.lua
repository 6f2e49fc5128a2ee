-- A security group opened to the whole internet on a sensitive port.
--
-- World-open ingress is split by severity, one alert per call: this rule
-- (high) takes ranges that reach a port in vigil.net sensitive_ports (SSH,
-- RDP, databases, ...) or every port; aws.ec2.port_open_to_world (medium)
-- takes other ports; the site's public_ports (80, 443) alone raise no
-- exposure alert. Ports, CIDRs and service names are in the context.
-- Fires whoever made the call, AWS services included: a database port open
-- to the internet is a finding whether a person or a stack opened it.
-- A failed call changed nothing: quiet.
-- Known gap: the message names requestParameters.groupId, which
-- ModifySecurityGroupRules records elsewhere (it prints "?"; the context
-- still holds the ports). Templates that read context fields would fix it.
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.ec2.sensitive_port_open_to_world",
  title = "Security group opened to the internet on a sensitive port",
  severity = "high",
  description = "An inbound security group rule now admits 0.0.0.0/0 or ::/0 on a remote "
    .. "administration, file sharing or database port, or on every port.",
  tags = { "attack.t1562.007", "attack.defense_evasion", "attack.t1190",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_AuthorizeSecurityGroupIngress.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html",
    "https://attack.mitre.org/techniques/T1562/007/",
    "https://attack.mitre.org/techniques/T1190/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules" } },
  when = function(e)
    local x
    if not aws.succeeded(e) then
      return false
    end
    x = net.world_exposure(e)
    return x ~= nil and x.sensitive
  end,
  output = "{actor} opened security group {requestParameters.groupId} to the internet "
    .. "on a sensitive port ({eventName})",
  context = function(e)
    local x = net.world_exposure(e)
    return { ports = x.ports, cidrs = x.cidrs, services = x.services,
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "AuthorizeSecurityGroupIngress adds inbound rules to a security group; "
      .. "ModifySecurityGroupRules rewrites existing ones. This call let every address on "
      .. "the internet (0.0.0.0/0 or ::/0) reach a port where remote logins, file shares or "
      .. "databases listen, or every port at once. It applies at once to every instance, "
      .. "load balancer, database and function that uses the group.",
    risks = {
      "Unauthorized access: internet-wide scanners find an open SSH, RDP or database port "
        .. "within minutes and start guessing passwords or exploiting the service.",
      "Defense evasion: attackers open a port for themselves to keep a way in that does "
        .. "not depend on stolen credentials.",
      "Compliance: AWS Foundational Security Best Practices controls EC2.13 (no 0.0.0.0/0 "
        .. "or ::/0 to port 22) and EC2.19 (no unrestricted access to high-risk ports); "
        .. "CIS AWS Foundations Benchmark v1.4.0 4.10 asks for an alarm on security group "
        .. "changes.",
    },
    console = {
      "1. EC2 > Network & Security > Security Groups: open the group from the alert, "
        .. "Inbound rules tab, and find the rule with source 0.0.0.0/0 or ::/0 on the ports "
        .. "in the alert's context.",
      "2. Unless a change ticket covers it, choose Edit inbound rules, delete that rule (or "
        .. "narrow its source to known addresses) and Save rules.",
      "3. EC2 > Network & Security > Network Interfaces: filter on the security group ID to "
        .. "see which instances and services were exposed.",
      "4. Check those instances' logs (SSH auth log, RDP logon events, database logs) for "
        .. "connections from unknown addresses since the alert time.",
      "5. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "other calls around the alert time.",
    },
    cli = {
      "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>",
      "aws ec2 revoke-security-group-ingress --group-id <sg-id> "
        .. "--security-group-rule-ids <sgr-id>",
      "aws ec2 describe-network-interfaces --filters Name=group-id,Values=<sg-id> "
        .. "--query 'NetworkInterfaces[].[NetworkInterfaceId,Description,Association.PublicIp]'",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<sg-id>",
    },
  },
  tests = {
    { name = "SSH open to 0.0.0.0/0 from the CLI", fires = true,
      event = "samples/sg_ingress_ssh_world.json",
      alert = { severity = "high",
                context = { ports = "22", cidrs = "0.0.0.0/0", services = "SSH",
                            via_console = false } } },
    { name = "RDP open to ::/0 from the console", fires = true,
      event = "samples/sg_ingress_rdp_world_ipv6_console.json",
      alert = { context = { ports = "3389", cidrs = "::/0", services = "RDP",
                            via_console = true } } },
    { name = "all traffic in the flat request shape", fires = true,
      event = "samples/sg_ingress_all_world_flat.json",
      alert = { context = { ports = "all", cidrs = "0.0.0.0/0", services = "all ports",
                            via_console = false } } },
    { name = "ModifySecurityGroupRules widening MySQL to the world", fires = true,
      event = "samples/sg_modify_rule_mysql_world.json" },
    { name = "opened by a CloudFormation stack still fires", fires = true,
      event = "samples/sg_ingress_ssh_world_cfn.json" },
    { name = "denied call", fires = false, event = "samples/sg_ingress_ssh_world_denied.json" },
    { name = "SSH from a private range", fires = false,
      event = "samples/sg_ingress_ssh_private.json" },
    { name = "HTTPS to the world is a public port", fires = false,
      event = "samples/sg_ingress_https_world.json" },
    { name = "port 8080 is left to port_open_to_world", fires = false,
      event = "samples/sg_ingress_8080_world.json" },
  },
}
