-- A security group changed by hand: from the console, the CLI or a script,
-- not by infrastructure-as-code or an AWS service.
--
-- Where firewalls are managed as code, a manual change is drift: nobody
-- reviewed it and the next deployment may silently undo or keep it. Quiet
-- for automation as vigil.net is_automation sees it (AWS services,
-- Terraform/CloudFormation/Pulumi user agents, deployment identities).
-- Ingress that opens a port to the whole internet is left to the two
-- exposure rules (sensitive_port_open_to_world, port_open_to_world), so one
-- call raises one alert. A failed call changed nothing: quiet.
local aws = require "vigil.aws"
local net = require "vigil.net"

local exposure_events = {
  AuthorizeSecurityGroupIngress = true,
  ModifySecurityGroupRules = true,
}

rule {
  id = "aws.ec2.security_group_manual_change",
  title = "Security group changed outside infrastructure-as-code",
  severity = "low",
  description = "A security group or one of its rules was created, changed or removed by a "
    .. "person or script rather than by the deployment tooling.",
  tags = { "attack.t1562.007", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_AuthorizeSecurityGroupIngress.html",
    "https://attack.mitre.org/techniques/T1562/007/",
  },
  on = { eventSource = "ec2.amazonaws.com",
         eventName = { "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                       "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                       "ModifySecurityGroupRules", "CreateSecurityGroup",
                       "DeleteSecurityGroup", "UpdateSecurityGroupRuleDescriptionsIngress",
                       "UpdateSecurityGroupRuleDescriptionsEgress" } },
  when = function(e)
    local x
    if not aws.succeeded(e) or net.is_automation(e) then
      return false
    end
    if exposure_events[e.eventName] then
      x = net.world_exposure(e)
      if x and (x.sensitive or x.unexpected) then
        return false
      end
    end
    return true
  end,
  output = "{actor} called {eventName} on security group {requestParameters.groupId} "
    .. "outside infrastructure-as-code",
  context = function(e)
    local x = net.world_exposure(e)
    return { via_console = aws.is_console(e), world_ports = x and x.ports or nil }
  end,
  runbook = {
    about = "Security groups are the stateful firewalls in front of instances, load "
      .. "balancers, databases and functions. This change to a group or its rules came from "
      .. "the console, the CLI or a script, not from the infrastructure-as-code tooling that "
      .. "normally manages them, so no review saw it.",
    risks = {
      "Unreviewed exposure: a rule added by hand may admit more than intended, and the "
        .. "next deployment may not notice it.",
      "Defense evasion: attackers with network permissions add themselves a way in or "
        .. "remove rules that blocked their traffic.",
      "Change control: CIS AWS Foundations Benchmark v1.4.0 4.10 asks for an alarm on "
        .. "security group changes.",
    },
    console = {
      "1. EC2 > Network & Security > Security Groups: open the group from the alert and "
        .. "compare its Inbound rules and Outbound rules with the definition in your "
        .. "infrastructure code.",
      "2. CloudTrail > Event history: filter on Resource name = the group ID to see every "
        .. "change to it, by whom, and from which address.",
      "3. Ask the actor whether the change was planned; if it must stay, have it added to "
        .. "the code.",
      "4. If it was not planned: revert it (Edit inbound rules / Edit outbound rules, Save "
        .. "rules) or redeploy the group from code.",
    },
    cli = {
      "aws ec2 describe-security-group-rules --filters Name=group-id,Values=<sg-id>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<sg-id>",
      "aws ec2 revoke-security-group-ingress --group-id <sg-id> "
        .. "--security-group-rule-ids <sgr-id>",
      "terraform plan   # shows the drift when the group is managed by Terraform",
    },
  },
  tests = {
    { name = "HTTPS opened to the world from the CLI (public port)", fires = true,
      event = "samples/sg_ingress_https_world.json",
      alert = { severity = "low", context = { via_console = false, world_ports = "443" } } },
    { name = "partner range added in the console", fires = true,
      event = "samples/sg_ingress_partner_cidr_console.json",
      alert = { context = { via_console = true } } },
    { name = "rule revoked by a script", fires = true,
      event = "samples/sg_revoke_ingress_script.json" },
    { name = "Terraform egress rule", fires = false,
      event = "samples/sg_egress_world_terraform.json" },
    { name = "Terraform creates a group", fires = false,
      event = "samples/sg_create_terraform.json" },
    { name = "CloudFormation stack", fires = false, event = "samples/sg_ingress_cfn_private.json" },
    { name = "SSH to the world is left to the exposure rule", fires = false,
      event = "samples/sg_ingress_ssh_world.json" },
    { name = "port 8080 to the world is left to the exposure rule", fires = false,
      event = "samples/sg_ingress_8080_world.json" },
    { name = "denied call", fires = false,
      event = "samples/sg_ingress_https_world_denied.json" },
  },
}
